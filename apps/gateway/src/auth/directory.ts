import { SECRET_COLUMNS, type SecretBox, secretLocation } from '@gguf/core';
import type { Database } from '@gguf/db';
import { TtlCache } from './ttl-cache';

/** What the hot path needs to know about an API key, cached by the key's SHA-256. */
export interface KeyRecord {
  id: string;
  orgId: string;
  /** Epoch milliseconds; null when the key never expires. */
  expiresAt: number | null;
  /** Deployments a restricted key may call; null when it may call every deployment of its org. */
  scope: ReadonlySet<string> | null;
  /** The key's own limits (null: the platform's defaults), applied on top of its organization's. */
  rpm: number | null;
  maxStreams: number | null;
  /** Input + output tokens per UTC calendar month; null: no budget. */
  tokenBudget: number | null;
}

export interface DeploymentRecord {
  id: string;
  orgId: string;
  /** The deployment's model name within its organization. */
  modelName: string;
  status: string;
  /** Origin (`http://host:port`) of the deployment's llama-server; null while it has none. */
  upstreamUrl: string | null;
  /** Opened once when the deployment is cached, never per request. */
  upstreamSecret: string;
}

export interface OrgLimits {
  rpm: number | null;
  maxStreams: number | null;
}

export interface DirectoryOptions {
  ttlMs: number;
  negativeTtlMs: number;
  maxEntries: number;
  /** Opens deployments' sealed upstream secrets (SECRETS_KEY). */
  secrets: SecretBox;
}

/**
 * Cached lookups of keys, deployments and organizations. A hit costs no I/O; a miss costs one query, shared
 * by concurrent requests. Unknown or revoked keys and missing deployments are cached too (briefly), so guessing
 * costs Postgres nothing. Entries are dropped when the control plane announces a change (see invalidation.ts).
 */
export class Directory {
  readonly keys: TtlCache<KeyRecord | null>;
  readonly deployments: TtlCache<DeploymentRecord | null>;
  readonly orgs: TtlCache<OrgLimits | null>;

  constructor(
    private readonly db: Database,
    private readonly options: DirectoryOptions,
  ) {
    const ttl = (value: unknown) => (value === null ? options.negativeTtlMs : options.ttlMs);
    this.keys = new TtlCache<KeyRecord | null>(ttl, options.maxEntries);
    this.deployments = new TtlCache<DeploymentRecord | null>(ttl, options.maxEntries);
    this.orgs = new TtlCache<OrgLimits | null>(ttl, options.maxEntries);
  }

  key(hash: string): Promise<KeyRecord | null> {
    return this.keys.get(hash, async () => {
      const row = await this.db.apiKey.findUnique({
        where: { hash },
        select: { id: true, orgId: true, revokedAt: true, expiresAt: true, organization: { select: { deletedAt: true } }, allowedModels: true, rateLimitRpm: true, maxConcurrentStreams: true, tokenBudget: true },
      });
      if (!row || row.revokedAt !== null || row.organization.deletedAt !== null) return null;
      return {
        id: row.id,
        orgId: row.orgId,
        expiresAt: row.expiresAt?.getTime() ?? null,
        scope: row.allowedModels.length === 0 ? null : new Set(row.allowedModels),
        rpm: row.rateLimitRpm,
        maxStreams: row.maxConcurrentStreams,
        tokenBudget: row.tokenBudget === null ? null : Number(row.tokenBudget),
      };
    });
  }

  deployment(id: string): Promise<DeploymentRecord | null> {
    return this.deployments.get(id, async () => {
      const row = await this.db.deployment.findUnique({
        where: { id },
        select: { id: true, orgId: true, modelName: true, status: true, upstreamUrl: true, upstreamSecret: true, deletedAt: true, organization: { select: { deletedAt: true } } },
      });
      if (!row || row.deletedAt !== null || row.organization.deletedAt !== null) return null;
      // A value that does not open throws: the request gets a 503 and the error is logged, nothing is cached.
      const upstreamSecret = this.options.secrets.open(row.upstreamSecret, secretLocation(SECRET_COLUMNS.deploymentUpstreamSecret, row.id));
      return { id: row.id, orgId: row.orgId, modelName: row.modelName, status: row.status, upstreamUrl: originOf(row.upstreamUrl), upstreamSecret };
    });
  }

  org(id: string): Promise<OrgLimits | null> {
    return this.orgs.get(id, async () => {
      const row = await this.db.organization.findUnique({ where: { id }, select: { rateLimitRpm: true, maxConcurrentStreams: true, deletedAt: true } });
      if (!row || row.deletedAt !== null) return null;
      return { rpm: row.rateLimitRpm, maxStreams: row.maxConcurrentStreams };
    });
  }

  forgetKey(apiKeyId: string, hash: string | undefined): void {
    if (hash !== undefined) this.keys.delete(hash);
    this.keys.deleteWhere((_, value) => value?.id === apiKeyId);
  }

  forgetDeployment(id: string): void {
    this.deployments.delete(id);
  }

  forgetOrg(id: string): void {
    this.orgs.delete(id);
    this.keys.deleteWhere((_, value) => value?.orgId === id);
    this.deployments.deleteWhere((_, value) => value?.orgId === id);
  }

  forgetAll(): void {
    this.keys.clear();
    this.deployments.clear();
    this.orgs.clear();
  }
}

/** The worker writes `http://host:port`; anything unparsable is treated as "no upstream yet" rather than dialled. */
function originOf(url: string | null): string | null {
  if (url === null) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}
