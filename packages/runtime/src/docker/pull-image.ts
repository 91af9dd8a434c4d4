import type Dockerode from 'dockerode';
import { PullError, type PullProgress } from '../types';
import { engineMessage, statusOf } from './engine-calls';

/** Pulls an image, reporting bytes over the layers known so far. Rejects with PullError, permanent when the registry refuses it. */
export async function pullImage(docker: Dockerode, image: string, onProgress: (progress: PullProgress) => void, signal?: AbortSignal): Promise<void> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = (await docker.pull(image)) as NodeJS.ReadableStream;
  } catch (error) {
    throw pullError(image, engineMessage(error), statusOf(error));
  }
  const layers = new Map<string, { current: number; total: number }>();
  await new Promise<void>((resolve, reject) => {
    const abort = () => {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      reject(signal?.reason instanceof Error ? signal.reason : new Error('pull aborted'));
    };
    signal?.addEventListener('abort', abort, { once: true });
    docker.modem.followProgress(
      stream,
      (error: Error | null) => {
        signal?.removeEventListener('abort', abort);
        if (error) reject(pullError(image, engineMessage(error)));
        else resolve();
      },
      (event: { status?: string; id?: string; progressDetail?: { current?: number; total?: number }; error?: string }) => {
        if (event.id && event.progressDetail?.total) {
          layers.set(event.id, { current: event.progressDetail.current ?? 0, total: event.progressDetail.total });
        } else if (event.id && /complete|already exists/i.test(event.status ?? '')) {
          const layer = layers.get(event.id);
          if (layer) layer.current = layer.total;
        }
        let currentBytes = 0;
        let totalBytes = 0;
        for (const layer of layers.values()) {
          currentBytes += layer.current;
          totalBytes += layer.total;
        }
        onProgress({ image, currentBytes, totalBytes, status: event.status ?? '' });
      },
    );
  });
}

function pullError(image: string, message: string, status?: number): PullError {
  const permanent = status === 404 || /manifest unknown|not found|does not exist|pull access denied|unauthorized|invalid reference format|repository name must/i.test(message);
  return new PullError(`could not pull ${image}: ${message}`, permanent);
}
