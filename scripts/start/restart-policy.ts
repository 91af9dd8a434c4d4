/** How `npm start` treats an app that exits on its own. */
export interface RestartPolicy {
  /** Wait before the first restart; doubled for each crash in a row. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** An app that ran this long before it crashed was stable: its crash count starts over. */
  stableAfterMs: number;
  /** At this many crashes in a row (each before the app was stable) it is left down. */
  maxCrashesInRow: number;
}

export const RESTART_POLICY: RestartPolicy = { initialDelayMs: 1_000, maxDelayMs: 30_000, stableAfterMs: 60_000, maxCrashesInRow: 6 };

/** The app's own verdict that its configuration is wrong (see loadEnvOrExit): restarting cannot help. */
export const EX_CONFIG = 78;

export type RestartDecision =
  | { action: 'restart'; delayMs: number; crashesInRow: number }
  | { action: 'give-up'; crashesInRow: number }
  | { action: 'stop-everything' };

/** What to do when an app exits unasked, after `uptimeMs`, having crashed `crashesInRow` times in a row before. */
export function restartDecision(policy: RestartPolicy, crashesInRow: number, uptimeMs: number, exitCode: number | null): RestartDecision {
  if (exitCode === EX_CONFIG) return { action: 'stop-everything' };
  const crashes = uptimeMs >= policy.stableAfterMs ? 1 : crashesInRow + 1;
  if (crashes >= policy.maxCrashesInRow) return { action: 'give-up', crashesInRow: crashes };
  return { action: 'restart', delayMs: Math.min(policy.initialDelayMs * 2 ** (crashes - 1), policy.maxDelayMs), crashesInRow: crashes };
}
