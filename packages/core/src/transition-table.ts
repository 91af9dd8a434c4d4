/** A move a transition table does not list: refused in one place, whatever the caller. */
export class IllegalTransitionError extends Error {
  constructor(
    readonly from: string,
    readonly to: string,
    what: string,
  ) {
    super(`${what} cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

export interface TransitionTable<S extends string> {
  can(from: S, to: S): boolean;
  /** The statuses reachable from `from` in one step. */
  next(from: S): readonly S[];
  /** Applies a move: returns the new status, or throws `IllegalTransitionError`. */
  apply(from: S, to: S): S;
}

/** One lifecycle's table (`what` names the thing in errors: "a deployment", "a server"). */
export function transitionTable<S extends string>(what: string, moves: { readonly [from in S]: readonly S[] }): TransitionTable<S> {
  return {
    can: (from, to) => moves[from].includes(to),
    next: (from) => moves[from],
    apply: (from, to) => {
      if (!moves[from].includes(to)) throw new IllegalTransitionError(from, to, what);
      return to;
    },
  };
}
