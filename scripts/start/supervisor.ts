import { setTimeout as sleep } from 'node:timers/promises';
import { type AppSpec, type RunningApp, startApp, stopApp } from './apps';
import { RESTART_POLICY, type RestartPolicy, restartDecision } from './restart-policy';

export interface SupervisorHooks {
  /** A line for the operator. */
  say: (line: string) => void;
  /** The app cannot run as configured: the whole product should stop. */
  onFatal: (app: SupervisedApp) => void;
}

/**
 * One app of `npm start`, restarted when it exits unasked: after a wait that doubles with each crash in a row
 * (reset once it ran stably), up to a limit beyond which it is left down and the others keep running. A
 * configuration error (EX_CONFIG) is not retried. Stopping it (Ctrl-C) cancels any pending restart.
 */
export class SupervisedApp {
  private current: RunningApp;
  private stopping = false;
  private crashesInRow = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  /** Left down after crashing too often. */
  gaveUp = false;

  constructor(
    readonly spec: AppSpec,
    private readonly env: NodeJS.ProcessEnv,
    private readonly hooks: SupervisorHooks,
    private readonly policy: RestartPolicy = RESTART_POLICY,
  ) {
    this.current = this.launch(false);
  }

  get pid(): number | undefined {
    return this.current.child.pid;
  }

  private launch(restarted: boolean): RunningApp {
    const app = startApp(this.spec, this.env);
    const startedAt = Date.now();
    this.hooks.say(`${restarted ? 'Restarted' : 'Started'} ${this.spec.name} (pid ${app.child.pid}).`);
    void app.exited.then(({ code, signal }) => this.exited(app, code, signal, Date.now() - startedAt));
    if (restarted) {
      void this.waitHealthy().then(
        () => this.current === app && this.hooks.say(`${this.spec.name} is back.`),
        () => undefined,
      );
    }
    return app;
  }

  private exited(app: RunningApp, code: number | null, signal: NodeJS.Signals | null, uptimeMs: number): void {
    if (this.stopping || app !== this.current) return;
    const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
    const decision = restartDecision(this.policy, this.crashesInRow, uptimeMs, code);
    if (decision.action === 'stop-everything') {
      this.hooks.say(`\n${this.spec.name} ${how}: its configuration is invalid (see above).`);
      this.hooks.onFatal(this);
      return;
    }
    this.crashesInRow = decision.crashesInRow;
    if (decision.action === 'give-up') {
      this.gaveUp = true;
      this.hooks.say(
        `\n${this.spec.name} ${how}: ${decision.crashesInRow} crashes in a row, each within ${this.policy.stableAfterMs / 1000}s of starting. It is left down while the other apps keep running; fix the cause (see its log above) and run npm start again.`,
      );
      return;
    }
    this.hooks.say(`\n${this.spec.name} ${how}; restarting it in ${decision.delayMs / 1000}s (crash ${decision.crashesInRow} in a row; left down at ${this.policy.maxCrashesInRow}).`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.stopping) this.current = this.launch(true);
    }, decision.delayMs);
  }

  /** Polls the app's /healthz until it answers 200, across restarts; fails when it was left down or time runs out. */
  async waitHealthy(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (this.gaveUp || this.stopping) throw new Error(`${this.spec.name} ${this.gaveUp ? 'keeps crashing' : 'was stopped'}`);
      try {
        const res = await fetch(this.spec.healthUrl, { signal: AbortSignal.timeout(3000) });
        if (res.status === 200) return;
        last = `${res.status} ${await res.text()}`;
      } catch (error) {
        last = (error as Error).message;
      }
      await sleep(250);
    }
    throw new Error(`${this.spec.name} was not healthy within ${timeoutMs / 1000}s (last: ${last})`);
  }

  /** Stops the app (SIGTERM, then SIGKILL after a grace period) and any restart that was pending. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    await stopApp(this.current);
  }
}
