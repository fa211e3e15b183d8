// The notebook's top-level variables, described after each cell for the editor: tensors by the kernel
// itself (it knows them by shape, without loading tfjs), other radnb values by the library's summarizers,
// the rest by their JavaScript type. A description runs no user code (no getters, no toString), leaves
// identifying DICOM values out, and one value that cannot be described never hides the others.
import { types } from 'node:util';
import { identifiersAllowed, phiRegistry } from '../common/phi';
import { getSummarizers, type KernelVariable, type VariableSummary } from '../common/variables';
import { RUNTIME } from './compile';
import { formatNumber, type TensorLike } from './formatTensor';

/** Above this many elements a tensor's range is left out: reading it would delay every cell. */
const MAX_RANGE_ELEMENTS = 1 << 20;
/** Ranges read after one cell, in elements: past it, tensors are described without their range. */
const RANGE_BUDGET_ELEMENTS = 8 << 20;
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
    const budget = { elements: RANGE_BUDGET_ELEMENTS };
    for (const name of [...names].sort()) {
      const value = readBinding(name);
      if (value === UNINITIALIZED) continue;
      try {
        variables.push(describeVariable(name, value.value, budget));
      } catch (error) {
        const why = cut(redact(String((error as Error)?.message ?? error)));
        variables.push({ name, type: 'unknown', summary: `cannot be described: ${why}`, members: [], viewable: false });
      }
    }
    return variables;
  }
}

/** Tensors never change, so a range read once is kept for as long as the tensor lives. */
const ranges = new WeakMap<object, string>();

const UNINITIALIZED = Symbol('uninitialized');

function readBinding(name: string): { value: unknown } | typeof UNINITIALIZED {
  try {
    // Indirect eval runs in the global scope, where the top-level let/const of every evaluated cell live.
    return { value: (0, eval)(name) as unknown };
  } catch {
    return UNINITIALIZED; // declared but not reached yet (a cell that failed before its declaration)
  }
}

export function describeVariable(
  name: string,
  value: unknown,
  budget = { elements: RANGE_BUDGET_ELEMENTS },
): KernelVariable {
  // Looking into a proxy calls its traps, which are user code.
  if (types.isProxy(value))
    return { name, type: 'Proxy', summary: 'a proxy (not looked into)', members: [], viewable: false };
  const { summary, viewable } = summarize(value, budget);
  // Redacted before it is cut, so an identifying value cannot survive in part at the cut.
  const members = membersOf(value).filter((member) => redact(member) === member);
  return { name, ...summary, summary: cut(redact(summary.summary)), members, viewable };
}

function redact(text: string): string {
  return identifiersAllowed() ? text : phiRegistry().redact(text).text;
}

/** Tensors and what the library knows are worth showing in an output; plain values are not. */
function summarize(value: unknown, budget: { elements: number }): { summary: VariableSummary; viewable: boolean } {
  if (isPlainTensor(value)) return { summary: tensorSummary(value, budget), viewable: true };
  for (const summarizer of getSummarizers()) {
    const summary = summarizer(value);
    if (summary) return { summary, viewable: true };
  }
  return { summary: plainSummary(value), viewable: false };
}

/** A tfjs tensor, known by its own data fields: shape, dtype and size are plain properties of a Tensor,
 *  so nothing that merely looks like one (a getter, a proxy) runs code here. */
function isPlainTensor(value: unknown): value is TensorLike {
  if (typeof value !== 'object' || value === null || typeof (value as { dataSync?: unknown }).dataSync !== 'function')
    return false;
  const field = (name: string) => Object.getOwnPropertyDescriptor(value, name);
  const shape = field('shape');
  const dtype = field('dtype');
  const size = field('size');
  return (
    !!shape &&
    'value' in shape &&
    Array.isArray(shape.value) &&
    !!dtype &&
    typeof dtype.value === 'string' &&
    !!size &&
    typeof size.value === 'number'
  );
}

function tensorSummary(t: TensorLike, budget: { elements: number }): VariableSummary {
  const shape = [...t.shape];
  const bytes = BYTES_PER_ELEMENT[t.dtype] === undefined ? undefined : t.size * BYTES_PER_ELEMENT[t.dtype];
  const base = { type: 'Tensor', shape, ...(bytes !== undefined && { bytes }) };
  if (t.isDisposed) return { ...base, summary: `${t.dtype}, disposed` };
  const known = ranges.get(t);
  if (known) return { ...base, summary: known };
  if (
    t.size === 0 ||
    t.size > MAX_RANGE_ELEMENTS ||
    t.size > budget.elements ||
    t.dtype === 'string' ||
    t.dtype === 'complex64'
  )
    return { ...base, summary: t.dtype };
  budget.elements -= t.size;
  const data = t.dataSync() as ArrayLike<number>;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const summary = `${t.dtype}, min ${formatNumber(min)}, max ${formatNumber(max)}`;
  ranges.set(t, summary);
  return { ...base, summary };
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
