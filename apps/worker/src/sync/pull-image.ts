import { describeError } from '@gguf/core';
import { PullError } from '@gguf/runtime';
import type { WorkerContext } from '../context';
import { noteDeployment } from '../deployments/apply-transition';
import { fail } from './remove-server';
import type { ServerRun } from './server-run';
import { HANDBACK, type Outcome } from './outcome';
import type { SyncAttempt } from './node-sync';

/** Pulls the server image onto the node, its progress noted every few seconds; a permanent refusal (or the last retry) fails the deployment. */
export async function pullImage(ctx: WorkerContext, run: ServerRun, image: string, signal: AbortSignal, attempt: SyncAttempt): Promise<'pulled' | Outcome> {
  const row = run.dep;
  const started = Date.now();
  let lastNote = 0;
  let lastPercent = -1;
  const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  try {
    await ctx.runtime.pull(
      image,
      (progress) => {
        const now = Date.now();
        const percent = progress.totalBytes > 0 ? Math.floor((100 * progress.currentBytes) / progress.totalBytes) : 0;
        if (now - lastNote < 5_000 || percent === lastPercent) return;
        lastNote = now;
        lastPercent = percent;
        void noteDeployment(ctx, {
          deploymentId: row.id,
          type: 'pull',
          message: `pulling image ${image}: ${gib(progress.currentBytes)} of ${gib(progress.totalBytes)} (${percent}%)`,
          data: { image, currentBytes: progress.currentBytes, totalBytes: progress.totalBytes },
        }).catch(() => undefined);
      },
      signal,
    );
  } catch (error) {
    if (signal.aborted) return HANDBACK;
    if ((error instanceof PullError && error.permanent) || attempt.final) {
      // Refused by the registry, or still failing after every retry: the deployment cannot start.
      const message = error instanceof PullError ? error.message : `could not pull ${image}: ${describeError(error)}`;
      return fail(ctx, run, message, { reason: 'image_pull_failed', image });
    }
    // A registry or network hiccup: the job is retried with backoff and resumes at this step.
    await noteDeployment(ctx, { deploymentId: row.id, type: 'pull', message: `pulling image ${image} failed, will retry: ${describeError(error)}`, data: { image } });
    throw error;
  }
  await noteDeployment(ctx, { deploymentId: row.id, type: 'pull', message: `pulled image ${image} in ${Math.round((Date.now() - started) / 1000)}s`, data: { image } });
  return 'pulled';
}
