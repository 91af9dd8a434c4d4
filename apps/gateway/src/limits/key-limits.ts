import { type GatewayEnv } from '../env';
import type { KeyRecord, OrgLimits } from '../auth/directory';
import type { Limits } from './rate-limiter';

/**
 * The limits one request is held to: the key's own (else the platform's per-key defaults) and its
 * organization's (else the platform's per-organization defaults) all apply; a key's own setting replaces only
 * the per-key default, never its organization's limit.
 */
export function limitsFor(env: GatewayEnv, key: KeyRecord, org: OrgLimits): Limits {
  return {
    keyRpm: key.rpm ?? env.GATEWAY_KEY_RPM,
    orgRpm: org.rpm ?? env.GATEWAY_ORG_RPM,
    keyMaxStreams: key.maxStreams ?? env.GATEWAY_KEY_MAX_STREAMS,
    orgMaxStreams: org.maxStreams ?? env.GATEWAY_ORG_MAX_STREAMS,
    tokenBudget: key.tokenBudget,
  };
}
