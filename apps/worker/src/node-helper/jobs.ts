import { type HelperMessage, runServerDirJob, SERVER_DIR_OPS, type ServerDirJob } from '@gguf/runtime/node-side';
import { describeModelFailure, type ModelJob, runModelJob } from '../models/model-job';

/** Every job the node helper runs: file work on servers' directories, and the model store's. */
export async function runHelperJob(request: ServerDirJob | ModelJob, onProgress: (progress: unknown) => void): Promise<Exclude<HelperMessage, { progress: unknown }>> {
  try {
    if ((SERVER_DIR_OPS as readonly string[]).includes(request.op)) return { result: await runServerDirJob(request as ServerDirJob) };
    if (request.op === 'models') return { result: await runModelJob(request, onProgress) };
    return { error: { kind: 'other', message: `unknown job ${String((request as { op?: unknown }).op)}` } };
  } catch (error) {
    return { error: describeModelFailure(error) };
  }
}
