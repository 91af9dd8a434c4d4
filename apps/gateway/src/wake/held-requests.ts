import type { Logger } from '@gguf/core';
import { type Redis, requestWake } from '@gguf/redis';
import type { Authorized, Waking } from '../auth/authorize';
import type { Directory } from '../auth/directory';
import type { UpstreamEjections } from '../failover/upstream-ejections';
import { type GatewayError, gatewayError } from '../http/errors';
import type { Metrics } from '../metrics';
import { DeploymentWatch, type Waiter } from './deployment-watch';

/** A held request's deployment is read again this often when no change notification came. */
const POLL_MS = 1_500;
/** The wake is asked for again this often while requests are held (a worker may have missed it). */
const REWAKE_MS = 3_000;
/** Seconds a client is told to wait before retrying a deployment that did not wake in time. */
const WAKING_RETRY_AFTER_S = 10;

export interface HeldRequestsDeps {
  directory: Directory;
  ejections: UpstreamEjections;
  redis: Redis;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Requests waiting for deployments to wake from sleep or come back from a restart, grouped per deployment (see DeploymentWatch). Each has
 * its own deadline, from its deployment's `wake_timeout_s`; past it the request is answered 503
 * `deployment_waking`. Failures to reach Redis or Postgres are logged once per outage: held requests go on
 * waiting until their deadlines.
 */
export class HeldRequests {
  private readonly watches = new Map<string, DeploymentWatch>();
  private wakeFailing = false;
  private readFailing = false;
  /** Set once the gateway shuts down: answers then close their connections (see wait-for-wake.ts). */
  closing = false;

  constructor(private readonly deps: HeldRequestsDeps) {}

  /**
   * Holds a request until its deployment runs (`settle` gets the route), cannot wake or is past its deadline
   * (`settle` gets the answer). Returns the function that lets go of it at once without answering (its caller left).
   */
  hold(waking: Waking, settle: (outcome: Authorized | GatewayError) => void): () => void {
    const deploymentId = waking.waking.id;
    const { metrics } = this.deps;
    let watch = this.watches.get(deploymentId);
    if (!watch) {
      const created = new DeploymentWatch(deploymentId, this.watchDeps(), () => {
        if (this.watches.get(deploymentId) === created) this.watches.delete(deploymentId);
      });
      this.watches.set(deploymentId, (watch = created));
    }
    const owner = watch;
    let done = false;
    const letGo = () => {
      if (done) return false;
      done = true;
      clearTimeout(timer);
      metrics.heldRequests.dec();
      owner.remove(waiter);
      return true;
    };
    const timeoutMs = waking.waking.wakeTimeoutS * 1000;
    const waiter: Waiter = {
      waking,
      deadline: Date.now() + timeoutMs,
      settle: (outcome) => {
        if (letGo()) settle(outcome);
      },
    };
    const timer = setTimeout(() => {
      metrics.wakeTimeouts.inc();
      waiter.settle(wakeTimeout(waking));
    }, timeoutMs);
    metrics.heldRequests.inc();
    owner.add(waiter);
    return () => void letGo();
  }

  /** Requests held for a deployment right now. */
  heldFor(deploymentId: string): number {
    return this.watches.get(deploymentId)?.size ?? 0;
  }

  /** Answers every held request (the gateway is shutting down): they may retry on another instance. */
  close(): void {
    this.closing = true;
    for (const watch of [...this.watches.values()]) {
      watch.settleAll(gatewayError(503, 'deployment_waking', `Deployment ${watch.deploymentId} is still starting and this gateway is shutting down; please retry.`, 1));
    }
  }

  private watchDeps() {
    const { directory, ejections, redis, logger } = this.deps;
    return {
      directory,
      ejections,
      pollMs: POLL_MS,
      rewakeMs: REWAKE_MS,
      requestWake: (deploymentId: string, until: number) => {
        requestWake(redis, deploymentId, until).then(
          () => {
            if (this.wakeFailing) logger.info('wakes are asked for in redis again');
            this.wakeFailing = false;
          },
          (error: unknown) => {
            if (!this.wakeFailing) logger.warn({ deploymentId, err: describe(error) }, 'could not ask for a wake in redis; asking again while requests are held');
            this.wakeFailing = true;
          },
        );
      },
      onRead: (error: unknown) => {
        if (error === undefined) {
          if (this.readFailing) logger.info('waking deployments are read again');
          this.readFailing = false;
        } else {
          if (!this.readFailing) logger.warn({ err: describe(error) }, 'could not read a waking deployment; held requests wait on');
          this.readFailing = true;
        }
      },
    };
  }
}

/** The answer once a held request's deadline passes. */
function wakeTimeout(waking: Waking): GatewayError {
  return gatewayError(503, 'deployment_waking', `${waking.shownAs} is still starting after ${waking.waking.wakeTimeoutS} s; please retry shortly.`, WAKING_RETRY_AFTER_S);
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
