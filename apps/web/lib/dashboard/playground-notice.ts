import type { DeploymentObject } from '@gguf/api';
import { minutesFromSeconds } from './idle-minutes';

/** What the playground says above the chat about the deployment's state; null when it is simply running. */
export type PlaygroundNotice = { kind: 'refused' | 'waking'; title: string; message: string } | null;

// On the way up after a wake: the gateway holds requests to a deployment that scales to zero here too.
const WAKING: readonly string[] = ['pending', 'scheduling', 'pulling', 'starting'];

/**
 * The playground calls the gateway like any client, so it refuses nothing itself: a sleeping deployment
 * (or one that scales to zero and is already waking) holds the request while the model loads, and only
 * a deployment that is stopped, failed or starting without scale to zero gets the gateway's refusal.
 */
export function playgroundNotice(d: Pick<DeploymentObject, 'status' | 'desired_state' | 'replicas' | 'wake_timeout_s'>): PlaygroundNotice {
  if (d.status === 'running') return null;
  const wait = `The first answer waits while the model loads (up to ${minutesFromSeconds(d.wake_timeout_s)} min); later ones are as fast as usual.`;
  if (d.status === 'sleeping') return { kind: 'waking', title: 'Asleep: wakes on the next request', message: wait };
  if (d.replicas.min === 0 && d.desired_state === 'running' && WAKING.includes(d.status)) return { kind: 'waking', title: 'Waking up', message: wait };
  return { kind: 'refused', title: 'Not running', message: 'This deployment is not running, so the gateway will refuse the chat. Start it first.' };
}
