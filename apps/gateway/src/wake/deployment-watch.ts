import { type Authorized, admit, type Waking } from '../auth/authorize';
import type { DeploymentRecord, Directory } from '../auth/directory';
import type { UpstreamEjections } from '../failover/upstream-ejections';
import { type GatewayError, gatewayError } from '../http/errors';

/** One request held for a deployment to wake. */
export interface Waiter {
  waking: Waking;
  /** Epoch ms past which the request is answered 503. */
  deadline: number;
  /** Called once, with the route to forward to or the answer to give. */
  settle(outcome: Authorized | GatewayError): void;
}

export interface WatchDeps {
  directory: Directory;
  /** A record still naming an ejected upstream holds its requests on (see failover/). */
  ejections: UpstreamEjections;
  /** Asks the workers to wake the deployment until `until` (epoch ms). */
  requestWake(deploymentId: string, until: number): void;
  /** Told of each read: undefined when it succeeded, the error when it failed (Postgres unreachable: the wait goes on). */
  onRead(error: unknown): void;
  /** Fallback re-read and wake re-request intervals. */
  pollMs: number;
  rewakeMs: number;
}

/**
 * The requests held for one deployment, in arrival order. It asks for the wake, and re-asks every `rewakeMs`
 * (a worker may have missed the announcement); it reads the deployment again when its change notification
 * arrives and every `pollMs` in case one was missed: one read for every request held, never one per request.
 * Once the deployment runs, every held request is released in arrival order; once it cannot wake (stopped,
 * failed, deleted), each gets the answer a new request would.
 */
export class DeploymentWatch {
  private readonly waiters: Waiter[] = [];
  private readonly stopWatching: () => void;
  private readonly pollTimer: NodeJS.Timeout;
  private readonly wakeTimer: NodeJS.Timeout;
  private reading = false;
  private stopped = false;
  private readAgain = false;

  constructor(
    readonly deploymentId: string,
    private readonly deps: WatchDeps,
    /** Called once the last waiter is gone. */
    private readonly onEmpty: () => void,
  ) {
    this.stopWatching = deps.directory.watchDeployment(deploymentId, () => void this.read());
    this.pollTimer = setInterval(() => void this.read(), deps.pollMs);
    this.wakeTimer = setInterval(() => this.askToWake(), deps.rewakeMs);
  }

  get size(): number {
    return this.waiters.length;
  }

  add(waiter: Waiter): void {
    this.waiters.push(waiter);
    // The first held request asks at once; later ones extend the deadline with the next re-request.
    if (this.waiters.length === 1) {
      this.askToWake();
      // The record that held this request may be stale: look once now rather than at the first tick.
      void this.read();
    }
  }

  /** Takes a waiter out without answering it (its caller left, or its deadline passed). */
  remove(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index === -1) return;
    this.waiters.splice(index, 1);
    if (this.waiters.length === 0) this.stop();
  }

  /** Answers every waiter with `answer` (the gateway is shutting down). */
  settleAll(answer: GatewayError): void {
    for (const waiter of this.waiters.splice(0)) waiter.settle(answer);
    this.stop();
  }

  private askToWake(): void {
    const until = Math.max(...this.waiters.map((waiter) => waiter.deadline));
    if (until > Date.now()) this.deps.requestWake(this.deploymentId, until);
  }

  private async read(): Promise<void> {
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = true;
    try {
      do {
        this.readAgain = false;
        let record: DeploymentRecord | null;
        try {
          record = await this.deps.directory.freshDeployment(this.deploymentId);
        } catch (error) {
          this.deps.onRead(error);
          return;
        }
        this.deps.onRead(undefined);
        this.apply(record);
      } while (this.readAgain && this.waiters.length > 0);
    } finally {
      this.reading = false;
    }
  }

  /** Releases (in arrival order) or refuses the waiters the deployment's current record decides for. */
  private apply(record: DeploymentRecord | null): void {
    for (const waiter of [...this.waiters]) {
      const { waking } = waiter;
      const outcome =
        record === null || record.orgId !== waking.key.orgId
          ? gatewayError(404, 'deployment_not_found', `${waking.shownAs} not found: it was deleted while the request waited for it to wake.`)
          : admit({ key: waking.key, org: waking.org }, record, waking.shownAs, waking.modelName, { ejections: this.deps.ejections, alreadyHeld: true });
      if ('waking' in outcome) continue;
      this.remove(waiter);
      waiter.settle(outcome);
    }
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearInterval(this.wakeTimer);
    this.stopWatching();
    this.onEmpty();
  }
}
