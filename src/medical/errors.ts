// The one error type of the DICOM reader: every failure names the file and says why, so that a user
// with a folder of a thousand files knows which one to look at, and a dataset loader can skip bad files.

export class DicomError extends Error {
  constructor(
    /** The file (or a caller-chosen name for bytes in memory). */
    readonly file: string,
    /** What is wrong, in words a user can act on. */
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'DicomError';
  }
}

/** Any failure (a codec, dicom-parser, a RangeError) as a DicomError naming the file and the context. */
export function wrapError(file: string, context: string, error: unknown): DicomError {
  if (error instanceof DicomError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DicomError(file, `${context}: ${message}`);
}
