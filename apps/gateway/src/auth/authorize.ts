import type { IncomingHttpHeaders } from 'node:http';
import { hashApiKey, isWellFormedApiKey } from '@gguf/core';
import { type GatewayError, gatewayError } from '../http/errors';
import { presentedKey } from './credentials';
import type { DeploymentRecord, Directory, KeyRecord, OrgLimits } from './directory';

export interface Authorized {
  key: KeyRecord;
  deployment: DeploymentRecord & { upstreamUrl: string };
  org: OrgLimits;
}

/** Seconds a client should wait before retrying a deployment that is on its way up, or stopped. */
const RETRY_AFTER_SECONDS: Record<string, number> = { pending: 5, scheduling: 5, pulling: 10, starting: 5, stopping: 30, stopped: 30, failed: 30 };

/**
 * Decides whether this request may reach the deployment. Checks that need no I/O come first; another
 * organization's deployment is answered exactly like a missing one, so ids reveal nothing.
 */
export async function authorize(directory: Directory, headers: IncomingHttpHeaders, deploymentId: string): Promise<Authorized | GatewayError> {
  const raw = presentedKey(headers);
  if (raw === undefined || raw === '') {
    return gatewayError(401, 'missing_api_key', 'Missing API key. Send it as "Authorization: Bearer <key>", "x-api-key: <key>" or "key: <key>".');
  }
  if (!isWellFormedApiKey(raw)) return gatewayError(401, 'invalid_api_key', 'Invalid API key.');
  const key = await directory.key(hashApiKey(raw));
  if (!key || (key.expiresAt !== null && key.expiresAt <= Date.now())) return gatewayError(401, 'invalid_api_key', 'Invalid API key.');

  const deployment = await directory.deployment(deploymentId);
  if (!deployment || deployment.orgId !== key.orgId) return gatewayError(404, 'deployment_not_found', `Deployment ${deploymentId} not found.`);
  if (key.scope && !key.scope.has(deploymentId)) return gatewayError(403, 'deployment_not_allowed', 'This API key is not allowed to call this deployment.');
  if (deployment.status !== 'running' || !deployment.upstreamUrl) {
    return gatewayError(503, 'deployment_not_running', `Deployment ${deploymentId} is not running (status: ${deployment.status}).`, RETRY_AFTER_SECONDS[deployment.status] ?? 10);
  }
  const org = await directory.org(deployment.orgId);
  if (!org) return gatewayError(404, 'deployment_not_found', `Deployment ${deploymentId} not found.`);
  return { key, deployment: { ...deployment, upstreamUrl: deployment.upstreamUrl }, org };
}
