// Where a cell's `import` is looked up. The kernel's module loader follows it at run time and the
// editor's language service at type-check time, so the types a user sees are those of what runs.

/** 'radnb': always from radnb's own installation (the library and tfjs must be one instance shared
 *  by the cells and radnb, or tensors made by one would be foreign to the other).
 *  'notebook': a path, only from the notebook's folder. 'notebook-then-radnb': the notebook's
 *  node_modules (and the folders above), then radnb's own packages. */
export type ImportSource = 'radnb' | 'notebook' | 'notebook-then-radnb';

export const RADNB_LIBRARY = 'radnb';

export function importSource(specifier: string): ImportSource {
  if (specifier === RADNB_LIBRARY || isTfjs(specifier)) return 'radnb';
  if (/^(\.{1,2}\/|\/|file:|node:)/.test(specifier)) return 'notebook';
  return 'notebook-then-radnb';
}

function isTfjs(specifier: string): boolean {
  return (
    specifier === '@tensorflow/tfjs' ||
    specifier.startsWith('@tensorflow/tfjs-') ||
    specifier.startsWith('@tensorflow/tfjs/')
  );
}

/** The package a specifier names: 'lodash/fp' → 'lodash', '@scope/pkg/x' → '@scope/pkg'. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
