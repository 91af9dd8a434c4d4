import { ServerDirs, type ServerUser } from './server-dir';

/** The file work on servers' directories the node helper does for a remote engine. */
export type ServerDirJob =
  | { op: 'prepare-server-dir'; root: string; owner?: ServerUser; name: string; apiKey: string }
  | { op: 'remove-server-dir'; root: string; name: string }
  | { op: 'purge-server-dirs'; root: string; deploymentId: string };

export const SERVER_DIR_OPS: readonly ServerDirJob['op'][] = ['prepare-server-dir', 'remove-server-dir', 'purge-server-dirs'];

/** Runs one such job where the directories are (in the helper, on the engine's host). */
export async function runServerDirJob(job: ServerDirJob): Promise<null> {
  if (job.op === 'prepare-server-dir') await new ServerDirs(job.root, job.owner).prepare(job.name, job.apiKey);
  else if (job.op === 'remove-server-dir') await new ServerDirs(job.root, undefined).remove(job.name);
  else await new ServerDirs(job.root, undefined).removeAll(job.deploymentId);
  return null;
}
