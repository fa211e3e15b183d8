// The notebook's top-level variables, described after each cell for the editor: tensors by the kernel
// itself (it knows them by shape, without loading tfjs), other radnb values by the library's summarizers,
// the rest by their JavaScript type. A description never runs user code: no getters, no toString.
import { getSummarizers, type KernelVariable, type VariableSummary } from '../common/variables';
import { RUNTIME } from './compile';
import { formatNumber, isTensorLike, type TensorLike } from './formatTensor';

/** Above this many elements a tensor's range is left out: reading it would delay every cell. */
const MAX_RANGE_ELEMENTS = 1 << 20;
const MAX_MEMBERS = 300;
const MAX_SUMMARY = 120;
const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u;
/** Properties every object or sloppy function has that nobody completes. */
const HIDDEN_MEMBERS = new Set(['constructor', 'arguments', 'caller']);
const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

/** Reads the top-level variables that cells declared (never the kernel's own globals or Node's). */
export class VariableReader {
  /** Top-level `var`s and functions of the cells run so far: they live on the global object, among
   *  everything Node and libraries put there, so the compiler's list is what tells them apart. */
  private readonly globalNames = new Set<string>();

  /** Names of a cell's top-level `var` and function declarations (CompiledCell.globalNames). */
  declared(names: readonly string[]): void {
    for (const name of names) this.globalNames.add(name);
  }

  /** `lexicalNames`: the global lexical scope (top-level let, const, class) from the inspector. */
  read(lexicalNames: readonly string[]): KernelVariable[] {
    const names = new Set(
      [...lexicalNames, ...this.globalNames].filter((n) => !n.startsWith(RUNTIME) && IDENTIFIER.test(n)),
    );
    const variables: KernelVariable[] = [];
    for (const name of [...names].sort()) {
      const value = readBinding(name);
      if (value !== UNINITIALIZED) variables.push(describeVariable(name, value.value));
    }
    return variables;
  }
}

const UNINITIALIZED = Symbol('uninitialized');

function readBinding(name: string): { value: unknown } | typeof UNINITIALIZED {
  try {
    // Indirect eval runs in the global scope, where the top-level let/const of every evaluated cell live.
    return { value: (0, eval)(name) as unknown };
  } catch {
    return UNINITIALIZED; // declared but not reached yet (a cell that failed before its declaration)
  }
}

export function describeVariable(name: string, value: unknown): KernelVariable {
  const { summary, viewable } = summarize(value);
  return { name, ...summary, summary: cut(summary.summary), members: membersOf(value), viewable };
}

/** Tensors and what the library knows are worth showing in an output; plain values are not. */
function summarize(value: unknown): { summary: VariableSummary; viewable: boolean } {
  if (isTensorLike(value)) return { summary: tensorSummary(value), viewable: true };
  for (const summarizer of getSummarizers()) {
    const summary = summarizer(value);
    if (summary) return { summary, viewable: true };
  }
  return { summary: plainSummary(value), viewable: false };
}

function tensorSummary(t: TensorLike): VariableSummary {
  const shape = [...t.shape];
  const bytes = BYTES_PER_ELEMENT[t.dtype] === undefined ? undefined : t.size * BYTES_PER_ELEMENT[t.dtype];
  const base = { type: 'Tensor', shape, ...(bytes !== undefined && { bytes }) };
  if (t.isDisposed) return { ...base, summary: `${t.dtype}, disposed` };
  if (t.size === 0 || t.size > MAX_RANGE_ELEMENTS || t.dtype === 'string' || t.dtype === 'complex64')
    return { ...base, summary: t.dtype };
  const data = t.dataSync() as ArrayLike<number>;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { ...base, summary: `${t.dtype}, min ${formatNumber(min)}, max ${formatNumber(max)}` };
}

function plainSummary(value: unknown): VariableSummary {
  switch (typeof value) {
    case 'string':
      return {
        type: 'string',
        length: value.length,
        summary: JSON.stringify(value.length > MAX_SUMMARY ? `${value.slice(0, MAX_SUMMARY)}…` : value),
      };
    case 'number':
      return { type: 'number', summary: String(value) };
    case 'bigint':
      return { type: 'bigint', summary: `${value}n` };
    case 'boolean':
      return { type: 'boolean', summary: String(value) };
    case 'undefined':
      return { type: 'undefined', summary: 'undefined' };
    case 'symbol':
      return { type: 'symbol', summary: value.description === undefined ? 'Symbol()' : `Symbol(${value.description})` };
    case 'function':
      return {
        type: /^class[\s{]/.test(Function.prototype.toString.call(value)) ? 'class' : 'function',
        summary: `${value.name || '(anonymous)'}, ${value.length} parameter${value.length === 1 ? '' : 's'}`,
      };
  }
  if (value === null) return { type: 'null', summary: 'null' };
  if (Array.isArray(value))
    return { type: 'Array', length: value.length, summary: `${value.length} item${value.length === 1 ? '' : 's'}` };
  if (ArrayBuffer.isView(value)) {
    const length = 'length' in value ? Number((value as { length: number }).length) : value.byteLength;
    return {
      type: constructorName(value) ?? 'TypedArray',
      length,
      bytes: value.byteLength,
      summary: `${length} element${length === 1 ? '' : 's'}`,
    };
  }
  if (value instanceof Map || value instanceof Set)
    return {
      type: value instanceof Map ? 'Map' : 'Set',
      length: value.size,
      summary: `${value.size} entr${value.size === 1 ? 'y' : 'ies'}`,
    };
  if (value instanceof Promise) return { type: 'Promise', summary: 'a promise: await it to get its value' };
  if ((value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'Module') {
    return { type: 'module', summary: `${Object.keys(value as object).length} exports` };
  }
  const type = constructorName(value) ?? 'Object';
  const keys = Object.keys(value as object);
  return {
    type,
    summary: keys.length === 0 ? '{}' : `{ ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ', …' : ''} }`,
  };
}

/** Own and inherited property names, nearest first, without Object.prototype's. */
function membersOf(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const names = new Set<string>();
  let object: object | null =
    typeof value === 'object' || typeof value === 'function' ? value : Object.getPrototypeOf(value);
  while (object && object !== Object.prototype && object !== Function.prototype && names.size < MAX_MEMBERS) {
    for (const name of Object.getOwnPropertyNames(object))
      if (!HIDDEN_MEMBERS.has(name) && !name.startsWith('__')) names.add(name);
    object = Object.getPrototypeOf(object);
  }
  return [...names].slice(0, MAX_MEMBERS);
}

function constructorName(value: unknown): string | undefined {
  const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
  const name = prototype && Object.getOwnPropertyDescriptor(prototype, 'constructor')?.value?.name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

function cut(text: string): string {
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY)}…` : text;
}
