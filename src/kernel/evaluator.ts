// Evaluates compiled cells through the V8 inspector in REPL mode, the mode Chrome DevTools' console
// uses: top-level state persists, `const`/`let`/`class` may be declared again by a re-run cell, top-level
// await works and the completion value of the script is returned. The inspector hands back remote
// object ids; `capture` turns them into the real values so the kernel can display them.
import { Session } from 'node:inspector';

type RemoteObject = {
  type: string;
  value?: unknown;
  unserializableValue?: string;
  objectId?: string;
};

type EvaluateResponse = {
  result: RemoteObject;
  exceptionDetails?: { text: string; exception?: RemoteObject };
};

export type Evaluation = { ok: true; value: unknown } | { ok: false; error: unknown };

const OBJECT_GROUP = 'radnb-results';
const CAPTURE_SLOT = Symbol.for('radnb.captured');

type CaptureSlot = { [CAPTURE_SLOT]?: unknown };

export class Evaluator {
  private readonly session = new Session();

  constructor() {
    this.session.connect();
  }

  async evaluate(script: string): Promise<Evaluation> {
    const response = await this.post<EvaluateResponse>('Runtime.evaluate', {
      expression: script,
      replMode: true,
      awaitPromise: true,
      objectGroup: OBJECT_GROUP,
    });
    try {
      if (response.exceptionDetails) {
        const thrown = response.exceptionDetails.exception;
        return { ok: false, error: thrown ? await this.capture(thrown) : new Error(response.exceptionDetails.text) };
      }
      return { ok: true, value: await this.capture(response.result) };
    } finally {
      await this.post('Runtime.releaseObjectGroup', { objectGroup: OBJECT_GROUP });
    }
  }

  /** Names of the global lexical scope: every cell's top-level let, const and class. */
  async globalLexicalNames(): Promise<string[]> {
    return (await this.post<{ names: string[] }>('Runtime.globalLexicalScopeNames', {})).names;
  }

  /** The JS value behind a remote object. */
  private async capture(remote: RemoteObject): Promise<unknown> {
    if (remote.objectId === undefined) return primitive(remote);
    await this.post('Runtime.callFunctionOn', {
      objectId: remote.objectId,
      functionDeclaration: `function () { globalThis[Symbol.for('radnb.captured')] = this; }`,
    });
    const slot = globalThis as CaptureSlot;
    const value = slot[CAPTURE_SLOT];
    delete slot[CAPTURE_SLOT];
    return value;
  }

  private post<T>(method: string, params: object): Promise<T> {
    return new Promise((resolve, reject) => {
      this.session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T)));
    });
  }
}

function primitive(remote: RemoteObject): unknown {
  if (remote.type === 'undefined') return undefined;
  const u = remote.unserializableValue;
  if (u === undefined) return remote.value;
  if (u.endsWith('n')) return BigInt(u.slice(0, -1));
  if (u === '-0') return -0;
  return Number(u); // NaN, Infinity, -Infinity
}
