/**
 * What the node helper program (apps/worker/src/node-helper) writes, one JSON line each: progress
 * while it works, then a result or an error. NodeHelper reads them on the worker's side.
 */
export type HelperMessage = { progress: unknown } | { result: unknown } | { error: HelperFailure };

export interface HelperFailure {
  /** What kind of failure, for the caller to map onto its own errors (e.g. `refused`, `download`). */
  kind: string;
  message: string;
  permanent?: boolean;
}

