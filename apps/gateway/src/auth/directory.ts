import { modelDisplayName, modelSource, SECRET_COLUMNS, type SecretBox, secretLocation } from '@gguf/core';
import type { Database } from '@gguf/db';
import { buildModelTable, type ModelTable } from '../models/model-table';
import { TtlCache } from './ttl-cache';

/** What the hot path needs to know about an API key, cached by the key's SHA-256. */
export interface KeyRecord {
  id: string;
  orgId: string;
  /** Epoch milliseconds; null when the key never expires. */
  expiresAt: number | null;
  /** Model names, `*` globs and deployment ids a restricted key may call (see models/model-access.ts); null when it may call every model of its org. */
  allowedModels: readonly string[] | null;
  /** The key's own limits (null: the platform's defaults), applied on top of its organization's. */
  rpm: number | null;
  maxStreams: number | null;
  /** Input + output tokens per UTC calendar month; null: no budget. */
  tokenBudget: number | null;
}

/** A ready server of a deployment, as the gateway dials it. */
export interface Upstream {
  serverId: string;
  /** Origin (`http://host:port`) of the server's llama-server. */
  url: string;
  /** When it last became ready (epoch ms). A new value: readiness brought it back (see failover/upstream-ejections.ts). */
  readyAt: number;
}

export interface DeploymentRecord {
  id: string;
  orgId: string;
  /** The deployment's model name within its organization. */
  modelName: string;
  status: string;
  /** Its ready servers, in a stable order (oldest first); empty while it has none. */
  upstreams: readonly Upstream[];
  /** In-flight requests per ready server past which the balancer spills to another (`target_concurrency`, else `parallel`). */
  targetConcurrency: number;
  /** Opened once when the deployment is cached, never per request. */
  upstreamSecret: string;
  /** 0: the deployment sleeps when idle, and requests to it are held while it wakes (see wake/). */
  replicasMin: number;
  /** Seconds a request is held for the deployment to wake before it is answered 503. */
  wakeTimeoutS: number;
  /** What the owner asked for (running, stopped, deleted); the status follows it. */
  desiredState: string;
  /** Whether one of its servers was ever ready: a deployment coming back is held for, a new one is not (see wake/wake-decision.ts). */
  servedBefore: boolean;
  /** The id llama-server's `/v1/models` gives its model (its --alias), so the gateway can answer it while asleep. */
  servedModelId: string;
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
  /** Each organization's model names, aliases and default, for the organization endpoint; by org id. */
  readonly modelTables: TtlCache<ModelTable | null>;
  /** Listeners told when a deployment may have changed (see `watchDeployment`), by deployment id. */
  private readonly watchers = new Map<string, Set<() => void>>();

  constructor(
    private readonly db: Database,
    private readonly options: DirectoryOptions,
  ) {
    const ttl = (value: unknown) => (value === null ? options.negativeTtlMs : options.ttlMs);
    this.keys = new TtlCache<KeyRecord | null>(ttl, options.maxEntries);
    this.deployments = new TtlCache<DeploymentRecord | null>(ttl, options.maxEntries);
    this.orgs = new TtlCache<OrgLimits | null>(ttl, options.maxEntries);
    this.modelTables = new TtlCache<ModelTable | null>(ttl, options.maxEntries);
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
        allowedModels: row.allowedModels.length === 0 ? null : row.allowedModels,
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
        select: {
          id: true,
          orgId: true,
          modelName: true,
          status: true,
          upstreamSecret: true,
          replicasMin: true,
          wakeTimeoutS: true,
          desiredState: true,
          parallel: true,
          targetConcurrency: true,
          readyAt: true,
          servers: { where: { status: 'ready' }, select: { id: true, status: true, upstreamUrl: true, readyAt: true }, orderBy: { id: 'asc' } },
          modelSource: true,
          modelRepo: true,
          modelFile: true,
          modelUrl: true,
          modelPath: true,
          deletedAt: true,
          organization: { select: { deletedAt: true } },
        },
      });
      if (!row || row.deletedAt !== null || row.organization.deletedAt !== null) return null;
      // A value that does not open throws: the request gets a 503 and the error is logged, nothing is cached.
      const upstreamSecret = this.options.secrets.open(row.upstreamSecret, secretLocation(SECRET_COLUMNS.deploymentUpstreamSecret, row.id));
      return {
        id: row.id,
        orgId: row.orgId,
        modelName: row.modelName,
        status: row.status,
        upstreams: readyUpstreams(row.servers),
        targetConcurrency: Math.max(1, row.targetConcurrency ?? row.parallel),
        upstreamSecret,
        replicasMin: row.replicasMin,
        wakeTimeoutS: row.wakeTimeoutS,
        desiredState: row.desiredState,
        servedBefore: row.readyAt !== null,
        servedModelId: servedModelId(row),
      };
    });
  }

  /** The deployment as Postgres has it now: the cached entry is dropped and read again (one query shared by concurrent callers). */
  freshDeployment(id: string): Promise<DeploymentRecord | null> {
    this.deployments.delete(id);
    return this.deployment(id);
  }

  /**
   * Calls `listener` whenever the deployment may have changed: its change notification, its organization's,
   * or a reconnection to Redis (notifications may have been missed). Returns the function that stops it.
   */
  watchDeployment(id: string, listener: () => void): () => void {
    let listeners = this.watchers.get(id);
    if (!listeners) this.watchers.set(id, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.watchers.get(id) === listeners) this.watchers.delete(id);
    };
  }

  private signal(ids: Iterable<string>): void {
    for (const id of [...ids]) for (const listener of [...(this.watchers.get(id) ?? [])]) listener();
  }

  org(id: string): Promise<OrgLimits | null> {
    return this.orgs.get(id, async () => {
      const row = await this.db.organization.findUnique({ where: { id }, select: { rateLimitRpm: true, maxConcurrentStreams: true, deletedAt: true } });
      if (!row || row.deletedAt !== null) return null;
      return { rpm: row.rateLimitRpm, maxStreams: row.maxConcurrentStreams };
    });
  }

  /** The organization's live deployments by model name, alias and glob: one query per miss. */
  models(orgId: string): Promise<ModelTable | null> {
    return this.modelTables.get(orgId, async () => {
      const row = await this.db.organization.findUnique({
        where: { id: orgId },
        select: {
          deletedAt: true,
          defaultDeploymentId: true,
          deployments: { where: { deletedAt: null }, select: { id: true, modelName: true, modelAliases: true, status: true, createdAt: true } },
        },
      });
      if (!row || row.deletedAt !== null) return null;
      return buildModelTable(orgId, row.deployments, row.defaultDeploymentId);
    });
  }

  forgetKey(apiKeyId: string, hash: string | undefined): void {
    if (hash !== undefined) this.keys.delete(hash);
    this.keys.deleteWhere((_, value) => value?.id === apiKeyId);
  }

  /**
   * Drops a deployment and every model table naming it. Returns false when no cached table named it (a new
   * deployment, or one renamed into a table): the caller then finds its organization (`forgetModelsOf`).
   */
  forgetDeployment(id: string): boolean {
    const orgId = this.deployments.peek(id)?.value?.orgId;
    this.deployments.delete(id);
    this.signal([id]);
    let found = false;
    this.modelTables.deleteWhere((tableOrg, table) => {
      const names = tableOrg === orgId || table?.byId.has(id) === true;
      found ||= names;
      return names;
    });
    return found;
  }

  /** Drops the model table of the organization a deployment belongs to; one query, off the request path. */
  async forgetModelsOf(deploymentId: string): Promise<void> {
    const row = await this.db.deployment.findUnique({ where: { id: deploymentId }, select: { orgId: true } });
    if (row) this.modelTables.delete(row.orgId);
  }

  forgetOrg(id: string): void {
    this.orgs.delete(id);
    this.modelTables.delete(id);
    this.keys.deleteWhere((_, value) => value?.orgId === id);
    this.deployments.deleteWhere((_, value) => value?.orgId === id);
    // Watched deployments are few (those with held requests): each re-reads its own row.
    this.signal(this.watchers.keys());
  }

  forgetAll(): void {
    this.keys.clear();
    this.deployments.clear();
    this.orgs.clear();
    this.modelTables.clear();
    this.signal(this.watchers.keys());
  }
}

/** The --alias the worker starts llama-server with (see apps/worker deployments/spec.ts); the model name if the source does not parse. */
function servedModelId(row: { modelName: string; modelSource: string; modelRepo: string | null; modelFile: string | null; modelUrl: string | null; modelPath: string | null }): string {
  const parsed = modelSource.safeParse({ source: row.modelSource, repo: row.modelRepo ?? undefined, file: row.modelFile ?? undefined, url: row.modelUrl ?? undefined, path: row.modelPath ?? undefined });
  return parsed.success ? modelDisplayName(parsed.data) : row.modelName;
}

/** Servers that take requests: ready, with an address that parses. */
function readyUpstreams(servers: readonly { id: string; status: string; upstreamUrl: string | null; readyAt: Date | null }[]): Upstream[] {
  const upstreams: Upstream[] = [];
  for (const server of servers) {
    const url = server.status === 'ready' ? originOf(server.upstreamUrl) : null;
    if (url !== null) upstreams.push({ serverId: server.id, url, readyAt: server.readyAt?.getTime() ?? 0 });
  }
  return upstreams;
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
