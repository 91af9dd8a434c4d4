/** What one step of a sync decided; the job loop acts on it. */
export type Outcome =
  /** Nothing left to do until something changes. */
  | { kind: 'done' }
  /** State moved (or someone else moved it): read again and take the next step. */
  | { kind: 'again' }
  /** Come back later (restart backoff). */
  | { kind: 'delay'; ms: number; why: string }
  /** The worker is shutting down: give the job back so the next worker resumes it. */
  | { kind: 'handback' };

export const DONE: Outcome = { kind: 'done' };
export const AGAIN: Outcome = { kind: 'again' };
export const HANDBACK: Outcome = { kind: 'handback' };
