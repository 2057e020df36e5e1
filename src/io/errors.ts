/**
 * The two kinds of failure the command line reports, by exit status. Anything else that
 * escapes is a bug, still printed as one line (never a stack trace) with status 1.
 */

/** Bad input data: status 1, message `FILE:LINE: what is wrong` (or `FILE: row R: …`). */
export class InputError extends Error {
  override name = 'InputError';
}

/** A usage mistake (unknown option or value, missing file, kind not inferable): status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The exit status for an error thrown while scoring. */
export function exitStatus(error: unknown): 1 | 2 {
  return error instanceof UsageError ? 2 : 1;
}
