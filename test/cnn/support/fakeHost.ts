// A display host like the kernel's, recording what training shows, with a Stop (abort) the test controls.
import type { DisplayHandle, DisplayHost, MimeBundle } from '../../../src/common/display';
import { isDisplayable, DISPLAY } from '../../../src/common/display';

export interface Shown {
  kind: 'display' | 'update';
  id: string;
  bundle: MimeBundle;
}

export class FakeHost implements DisplayHost {
  readonly shown: Shown[] = [];
  private readonly controller = new AbortController();
  private nextId = 1;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  stop(): void {
    this.controller.abort();
  }

  display(value: unknown): DisplayHandle {
    const id = `out-${this.nextId++}`;
    this.shown.push({ kind: 'display', id, bundle: this.bundleOf(value) });
    return { id };
  }

  update(handle: DisplayHandle, value: unknown): void {
    this.shown.push({ kind: 'update', id: handle.id, bundle: this.bundleOf(value) });
  }

  private bundleOf(value: unknown): MimeBundle {
    if (!isDisplayable(value)) throw new Error('training displayed something without a MIME bundle');
    return value[DISPLAY]() as MimeBundle;
  }
}
