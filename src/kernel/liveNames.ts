// Completion and inspection from the kernel's live values, for front ends without a language service
// (Jupyter). Expressions are evaluated through V8's inspector with throwOnSideEffect, so looking at a
// value never runs code that changes state: a getter that writes anything is refused, not run.
import { Session } from 'node:inspector';
import type { CompleteReply, CompleteRequest, InspectReply, InspectRequest } from '../common/kernelProtocol';

interface PropertyPreview {
  name: string;
  type: string;
  value?: string;
  subtype?: string;
}

interface RemoteObject {
  type: string;
  subtype?: string;
  className?: string;
  description?: string;
  value?: unknown;
  unserializableValue?: string;
  preview?: { overflow: boolean; properties: PropertyPreview[] };
}

interface EvaluateResponse {
  result: RemoteObject;
  exceptionDetails?: unknown;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** A member chain such as `model.layers` or `a?.b`, ending where the text ends. */
const CHAIN = /[A-Za-z_$][\w$]*(?:\s*\??\.\s*[A-Za-z_$][\w$]*)*$/;
/** A chain followed by a dot and the part of a member name typed so far. */
const MEMBER = /([A-Za-z_$][\w$]*(?:\s*\??\.\s*[A-Za-z_$][\w$]*)*)\s*\??\.\s*([A-Za-z_$][\w$]*)?$/;
/** Looking at a value must stay quick even when a getter loops. */
const EVALUATE_TIMEOUT_MS = 500;
const MAX_SOURCE_LINES = 30;
const INTERNAL = /^__radnb/;

const KEYWORDS = [
  'as',
  'async',
  'await',
  'break',
  'case',
  'catch',
  'class',
  'const',
  'continue',
  'debugger',
  'default',
  'delete',
  'do',
  'else',
  'enum',
  'export',
  'extends',
  'false',
  'finally',
  'for',
  'function',
  'if',
  'import',
  'in',
  'instanceof',
  'interface',
  'let',
  'new',
  'null',
  'of',
  'return',
  'super',
  'switch',
  'this',
  'throw',
  'true',
  'try',
  'type',
  'typeof',
  'undefined',
  'var',
  'void',
  'while',
  'yield',
];

/** Every property name of a value, its own first, then each prototype's, each level sorted; runs inside
 *  the evaluation, free of side effects. */
const PROPERTY_NAMES = `((v) => { const names = []; for (let o = Object(v); o; o = Object.getPrototypeOf(o)) names.push(...Object.getOwnPropertyNames(o).sort()); return names; })`;

export class LiveNames {
  private readonly session = new Session();

  constructor() {
    this.session.connect();
  }

  async complete(request: CompleteRequest): Promise<CompleteReply> {
    const before = request.code.slice(0, request.cursor);
    const member = MEMBER.exec(before);
    const prefix = member ? (member[2] ?? '') : (/[A-Za-z_$][\w$]*$/.exec(before)?.[0] ?? '');
    const candidates = member ? await this.propertyNames(member[1]) : await this.topLevelNames();
    const hidePrivate = !prefix.startsWith('_');
    // Nearest first: a value's own members before inherited ones, a notebook's names before globals.
    const matches = [...new Set(candidates)]
      .filter(
        (name) =>
          IDENTIFIER.test(name) &&
          name.startsWith(prefix) &&
          !INTERNAL.test(name) &&
          !(hidePrivate && name.startsWith('_')),
      )
      .sort((a, b) => Number(a.startsWith('_')) - Number(b.startsWith('_')));
    return { type: 'complete', id: request.id, matches, start: request.cursor - prefix.length, end: request.cursor };
  }

  async inspect(request: InspectRequest): Promise<InspectReply> {
    const rest = /^[\w$]*/.exec(request.code.slice(request.cursor))?.[0] ?? '';
    const upTo = request.code.slice(0, request.cursor) + rest;
    // Inside a call's parentheses (`f(|`) the call's function is what the user asks about.
    const expression = CHAIN.exec(upTo)?.[0] ?? CHAIN.exec(upTo.replace(/\(\s*$/, ''))?.[0];
    const notFound: InspectReply = { type: 'inspect', id: request.id, found: false, text: '' };
    if (!expression) return notFound;
    const response = await this.evaluate(expression, { generatePreview: true });
    if (!response || response.exceptionDetails) return notFound;
    return { type: 'inspect', id: request.id, found: true, text: describe(expression, response.result) };
  }

  private async propertyNames(expression: string): Promise<string[]> {
    const response = await this.evaluate(`${PROPERTY_NAMES}(${expression})`, { returnByValue: true });
    return response && !response.exceptionDetails && Array.isArray(response.result.value)
      ? (response.result.value as string[])
      : [];
  }

  private async topLevelNames(): Promise<string[]> {
    const lexical = await this.post<{ names: string[] }>('Runtime.globalLexicalScopeNames', {}).catch(() => ({
      names: [],
    }));
    return [...lexical.names.sort(), ...(await this.propertyNames('globalThis')), ...KEYWORDS];
  }

  private evaluate(expression: string, options: object): Promise<EvaluateResponse | undefined> {
    return this.post<EvaluateResponse>('Runtime.evaluate', {
      expression,
      throwOnSideEffect: true,
      timeout: EVALUATE_TIMEOUT_MS,
      silent: true,
      ...options,
    }).catch(() => undefined);
  }

  private post<T>(method: string, params: object): Promise<T> {
    return new Promise((resolve, reject) => {
      this.session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T)));
    });
  }
}

function describe(expression: string, value: RemoteObject): string {
  if (value.type === 'function') {
    const source = (value.description ?? '').split('\n');
    const shown = source.slice(0, MAX_SOURCE_LINES).join('\n');
    return `${expression}: function\n${shown}${source.length > MAX_SOURCE_LINES ? '\n…' : ''}`;
  }
  if (value.type !== 'object' || value.subtype === 'null') {
    const text =
      value.unserializableValue ??
      (value.type === 'string' ? JSON.stringify(value.value) : String(value.value ?? value.description ?? value.type));
    return `${expression}: ${value.subtype ?? value.type}\n${text}`;
  }
  const lines = [
    `${expression}: ${value.className ?? 'Object'}${value.description && value.description !== value.className ? ` (${value.description})` : ''}`,
  ];
  for (const p of value.preview?.properties ?? []) lines.push(`  ${p.name}: ${p.value ?? p.subtype ?? p.type}`);
  if (value.preview?.overflow) lines.push('  …');
  return lines.join('\n');
}
