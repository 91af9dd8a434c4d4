import { notRunning } from '../auth/authorize';
import type { DeploymentRecord } from '../auth/directory';
import { type GatewayError, gatewayError } from '../http/errors';

/** Seconds a monitor is told to wait before asking a sleeping deployment again: a GET never wakes it. */
const SLEEPING_RETRY_AFTER_S = 30;

type Away = Pick<DeploymentRecord, 'status' | 'replicasMin'>;

/**
 * What a GET (the model list, health) to a deployment that is not serving right now answers, from the gateway:
 * it generates nothing, so it neither wakes the deployment nor waits for it, and a monitor polling it never keeps
 * a scale-to-zero deployment awake. The model list comes from the deployment's record; other GETs get 503: a
 * sleeping (or waking) deployment says it sleeps, one coming back from a restart that it is not running.
 */
export function awayAnswer(routeName: string, deployment: Away, shownAs: string): 'model-list' | GatewayError {
  if (routeName === 'models') return 'model-list';
  if (deployment.status === 'sleeping') {
    return gatewayError(503, 'deployment_sleeping', `${shownAs} is asleep; the next request that generates wakes it (GET routes do not).`, SLEEPING_RETRY_AFTER_S);
  }
  if (deployment.replicasMin === 0 && deployment.status !== 'running') {
    return gatewayError(503, 'deployment_sleeping', `${shownAs} is waking up (status: ${deployment.status}).`, SLEEPING_RETRY_AFTER_S);
  }
  if (deployment.status === 'running') return gatewayError(503, 'deployment_not_running', `${shownAs} is not answering right now; please retry shortly.`, 5);
  return notRunning(deployment, shownAs);
}

/** llama-server's `GET /v1/models` for a deployment whose server is not there to answer it (without the loaded model's `meta`). */
export function sleepingModelList(deployment: Pick<DeploymentRecord, 'servedModelId'>, now = Date.now()): unknown {
  return { object: 'list', data: [{ id: deployment.servedModelId, object: 'model', created: Math.floor(now / 1000), owned_by: 'llamacpp' }] };
}
