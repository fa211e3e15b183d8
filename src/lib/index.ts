// The radnb library: what a cell gets from `import … from 'radnb'`. It runs in the kernel process.
export { DISPLAY, MIME, getDisplayHost, registerFormatter } from '../common/display';
export type { DisplayHandle, DisplayHost, Displayable, MimeBundle } from '../common/display';
export { registerIdentifiers } from '../common/phi';
export type { Identifier } from '../common/phi';
