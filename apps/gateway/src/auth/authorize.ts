import type { IncomingHttpHeaders } from 'node:http';
import { hashApiKey, isWellFormedApiKey } from '@gguf/core';
import { type GatewayError, gatewayError } from '../http/errors';
import { allowedDeploymentIds } from '../models/model-access';
import { presentedKey } from './credentials';
import type { ReadyUpstreams } from '../balancing/balancer';
import type { UpstreamEjections } from '../failover/upstream-ejections';
import { wakeDecision } from '../wake/wake-decision';
import type { DeploymentRecord, Directory, KeyRecord, OrgLimits } from './directory';

/** A caller whose key is valid, with its organization's limits. */
export interface Caller {
  key: KeyRecord;
  org: OrgLimits;
}

export interface Authorized extends Caller {
  /** A deployment with at least one ready server that is not ejected (the balancer picks one per try). */
  deployment: DeploymentRecord & { upstreams: ReadyUpstreams };
  /** How messages name the deployment: its id, or the model the caller asked for. */
  shownAs: string;
  /** The model name usage is metered under: the caller's `model` on /api/llm, the deployment's model name on its own URL. */
  modelName: string;
}

/** A caller whose request waits for a sleeping deployment to wake (see wake/held-requests.ts). */
export interface Waking extends Caller {
  waking: DeploymentRecord;
  /** How messages name the deployment: its id, or the model the caller asked for. */
  shownAs: string;
  modelName: string;
}

/** Seconds a client should wait before retrying a deployment that is on its way up, or stopped. */
const RETRY_AFTER_SECONDS: Record<string, number> = { pending: 5, scheduling: 5, pulling: 10, starting: 5, stopping: 30, stopped: 30, failed: 30 };

const INVALID_KEY = 'Invalid API key.';

/** Checks the caller's key; the checks that need no I/O come first. */
export async function authenticate(directory: Directory, headers: IncomingHttpHeaders): Promise<Caller | GatewayError> {
  const raw = presentedKey(headers);
  if (raw === undefined || raw === '') {
    return gatewayError(401, 'missing_api_key', 'Missing API key. Send it as "Authorization: Bearer <key>", "x-api-key: <key>" or "key: <key>".');
  }
  if (!isWellFormedApiKey(raw)) return gatewayError(401, 'invalid_api_key', INVALID_KEY);
  const key = await directory.key(hashApiKey(raw));
  if (!key || (key.expiresAt !== null && key.expiresAt <= Date.now())) return gatewayError(401, 'invalid_api_key', INVALID_KEY);
  const org = await directory.org(key.orgId);
  // The key lookup already refuses keys of deleted organizations; this is one deleted since.
  if (!org) return gatewayError(401, 'invalid_api_key', INVALID_KEY);
  return { key, org };
}

/** The answer for a deployment that is neither running nor waking: 503 at once, never a hang. */
export function notRunning(deployment: Pick<DeploymentRecord, 'status'>, shownAs: string): GatewayError {
  return gatewayError(503, 'deployment_not_running', `${shownAs} is not running (status: ${deployment.status}).`, RETRY_AFTER_SECONDS[deployment.status] ?? 10);
}

export interface Admission {
  /** Upstreams that just failed, skipped for a few seconds (see failover/). */
  ejections: UpstreamEjections;
  /** The request is held already (or was retried): it waits on where a new one would be refused. */
  alreadyHeld?: boolean;
}

/**
 * A running deployment with a ready server that is not ejected is routable; a sleeping one, or one on its way up
 * (woken, or restarting after it served), or whose every server just failed, holds the request; any other
 * answers 503 (see wake/wake-decision.ts).
 */
export function admit(caller: Caller, deployment: DeploymentRecord, shownAs: string, modelName: string, admission: Admission): Authorized | Waking | GatewayError {
  const { upstreams } = deployment;
  const allEjected = upstreams.length > 0 && upstreams.every((upstream) => admission.ejections.isEjected(upstream.url, upstream.readyAt));
  const decision = wakeDecision(deployment, admission.alreadyHeld ?? false, allEjected);
  if (decision === 'hold') return { ...caller, waking: deployment, shownAs, modelName };
  if (decision === 'refuse' || !hasUpstream(upstreams)) return notRunning(deployment, shownAs);
  return { ...caller, deployment: { ...deployment, upstreams }, shownAs, modelName };
}

const hasUpstream = (upstreams: DeploymentRecord['upstreams']): upstreams is ReadyUpstreams => upstreams.length > 0;

/**
 * A deployment's own base URL (/api/gguf/{id}). Another organization's deployment is answered exactly like a
 * missing one, so ids reveal nothing; a key whose allowed models do not cover it gets 403.
 */
export async function deploymentById(directory: Directory, caller: Caller, deploymentId: string, admission: Admission): Promise<Authorized | Waking | GatewayError> {
  const deployment = await directory.deployment(deploymentId);
  if (!deployment || deployment.orgId !== caller.key.orgId) return gatewayError(404, 'deployment_not_found', `Deployment ${deploymentId} not found.`);
  const allowed = caller.key.allowedModels;
  if (allowed && !allowed.includes(deploymentId)) {
    // Entries other than ids name models: the organization's table says which deployments they cover.
    const table = await directory.models(deployment.orgId);
    if (!table || !allowedDeploymentIds(table, allowed).has(deploymentId)) return gatewayError(403, 'deployment_not_allowed', 'This API key is not allowed to call this deployment.');
  }
  return admit(caller, deployment, `Deployment ${deploymentId}`, deployment.modelName, admission);
}
