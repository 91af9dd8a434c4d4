/**
 * Runs work for the same key one at a time, in the order asked, and work for different keys side
 * by side. A forwarder is made by a node job and checked by the reconciler at once; without turns
 * one would remove the container the other had just created.
 */
export class Turns {
  private readonly last = new Map<string, Promise<void>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.last.get(key) ?? Promise.resolve();
    const result = previous.then(work);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.last.set(key, settled);
    void settled.then(() => {
      if (this.last.get(key) === settled) this.last.delete(key);
    });
    return result;
  }

  /** Keys with work queued or running (for tests: nothing is kept once a key's work is done). */
  get size(): number {
    return this.last.size;
  }
}
