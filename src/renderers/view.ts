// What every radnb view returns and receives.

/** A drawn output: dispose() releases observers, frames and plots when VS Code removes the output. */
export interface RenderedOutput {
  dispose(): void;
}

/** Services of the renderer host a view may use. */
export interface RendererHost {
  /** Asks the kernel to stop the running cell (Stop button of live training curves); absent without messaging. */
  interrupt?: () => void;
}
