import { DEPLOYMENT_STATUSES, DESIRED_STATES, llamaArgs, modelAliases, modelName, modelSource, SERVER_STATUSES } from '@gguf/core';
import { z } from 'zod';
import { integer, name, queryInteger, storableStrings, text } from '../shared/fields';
import { listOf, sequenceCursor } from '../shared/pagination';

const gpu = z.object({
  // 0 runs the model on CPU only.
  count: integer(0, 16),
  type: text(100).trim().min(1, 'must not be empty').optional(),
});

const settings = {
  // The spec pieces come from @gguf/core; their strings are checked like every other request string.
  model: modelSource.check(storableStrings),
  gpu,
  context_size: integer(256, 1_048_576),
  parallel: integer(1, 64),
  embeddings: z.boolean(),
  llama_args: llamaArgs.check(storableStrings),
};

/**
 * What the organization endpoint (/api/llm) calls the deployment: unique within the organization
 * among every live deployment's model name and exact aliases. Changing them redeploys nothing.
 */
const names = {
  model_name: modelName.check(storableStrings),
  /** Exact names or `*` globs; a glob may overlap another deployment's (the most specific wins) but not repeat it. */
  model_aliases: modelAliases.check(storableStrings),
};

/**
 * How many servers run the deployment, and when it sleeps and wakes. None of these restarts anything:
 * the worker and the gateways pick them up as they are.
 */
export const SCALING = {
  // Quotas count a deployment's GPUs × replicas.max, and each server is a row, a port and a container the
  // worker places: a bound keeps a hostile tenant (even a CPU-only one, whose quota counts nothing) from
  // asking for thousands of servers.
  maxReplicas: 16,
  scaleDownAfterS: { min: 60, max: 86_400, default: 900 },
  wakeTimeoutS: { min: 10, max: 3_600, default: 600 },
  targetConcurrency: { min: 1, max: 1_024 },
} as const;

/** What the OpenAPI document says of each scaling field, in requests and answers alike. */
const SAYS = {
  replicas:
    'How many servers run the deployment: autoscaling moves between `min` and `max` with the load past `target_concurrency`. `{ "min": 0 }` scales it to zero when idle: it sleeps, frees its GPUs, and wakes on the next request.',
  replicasMin: `Servers kept running (0 to ${SCALING.maxReplicas}): 0 lets the deployment sleep after \`scale_down_after_s\` without requests.`,
  replicasMax: `The most servers autoscaling may run (1 to ${SCALING.maxReplicas}); quotas count the deployment's GPUs × this.`,
  scaleDownAfterS: 'Seconds without requests before a deployment with `replicas.min` 0 goes to sleep.',
  wakeTimeoutS:
    'Seconds the gateway holds a request to a sleeping deployment while it wakes (a large model may load for minutes); past them the request gets 503 with Retry-After.',
  targetConcurrency:
    'Requests in flight per ready server at which it counts as busy: the gateway spills a conversation to a less loaded server past it, and autoscaling adds a server when the average stays above it. null: `parallel`.',
};

const replicaMin = integer(0, SCALING.maxReplicas).describe(SAYS.replicasMin);
const replicaMax = integer(1, SCALING.maxReplicas).describe(SAYS.replicasMax);

/** One rule for both the create body and a PATCH merged with the saved values. */
export const REPLICAS_OUT_OF_ORDER = 'must be at most replicas.max';
export const replicasInOrder = (replicas: { min: number; max: number }): boolean => replicas.min <= replicas.max;

const scaling = {
  replicas: z
    .strictObject({ min: replicaMin.default(1), max: replicaMax.default(1) })
    .refine(replicasInOrder, { path: ['min'], error: REPLICAS_OUT_OF_ORDER })
    .describe(SAYS.replicas),
  /** A PATCH may name one bound; the other keeps its saved value. */
  replicasChange: z.strictObject({ min: replicaMin.optional(), max: replicaMax.optional() }).describe(SAYS.replicas),
  scale_down_after_s: integer(SCALING.scaleDownAfterS.min, SCALING.scaleDownAfterS.max).describe(SAYS.scaleDownAfterS),
  wake_timeout_s: integer(SCALING.wakeTimeoutS.min, SCALING.wakeTimeoutS.max).describe(SAYS.wakeTimeoutS),
  target_concurrency: integer(SCALING.targetConcurrency.min, SCALING.targetConcurrency.max).nullable().describe(SAYS.targetConcurrency),
};

export const createDeploymentBody = z.strictObject({
  name,
  /** Defaults to a slug of `name`, made unique within the organization with -2, -3… */
  model_name: names.model_name.optional(),
  model_aliases: names.model_aliases.optional(),
  model: settings.model,
  gpu: settings.gpu,
  context_size: settings.context_size.default(4096),
  parallel: settings.parallel.default(1),
  embeddings: settings.embeddings.default(false),
  llama_args: settings.llama_args.default({}),
  replicas: scaling.replicas.default({ min: 1, max: 1 }),
  scale_down_after_s: scaling.scale_down_after_s.default(SCALING.scaleDownAfterS.default),
  wake_timeout_s: scaling.wake_timeout_s.default(SCALING.wakeTimeoutS.default),
  target_concurrency: scaling.target_concurrency.default(null),
});
export type CreateDeploymentInput = z.infer<typeof createDeploymentBody>;

/**
 * A rename (name, model_name, model_aliases) or a scaling change (replicas, scale_down_after_s, wake_timeout_s,
 * target_concurrency) changes nothing that runs; any settings field redeploys with a new generation. `replicas` may name one bound:
 * the other keeps its saved value.
 */
export const updateDeploymentBody = z
  .strictObject({
    name: name.optional(),
    model_name: names.model_name.optional(),
    model_aliases: names.model_aliases.optional(),
    model: settings.model.optional(),
    gpu: settings.gpu.optional(),
    context_size: settings.context_size.optional(),
    parallel: settings.parallel.optional(),
    embeddings: settings.embeddings.optional(),
    llama_args: settings.llama_args.optional(),
    replicas: scaling.replicasChange.optional(),
    scale_down_after_s: scaling.scale_down_after_s.optional(),
    wake_timeout_s: scaling.wake_timeout_s.optional(),
    /** null goes back to `parallel`. */
    target_concurrency: scaling.target_concurrency.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'must change at least one field');
export type UpdateDeploymentInput = z.infer<typeof updateDeploymentBody>;

export const SETTINGS_FIELDS = ['model', 'gpu', 'context_size', 'parallel', 'embeddings', 'llama_args'] as const;
export const SCALING_FIELDS = ['replicas', 'scale_down_after_s', 'wake_timeout_s', 'target_concurrency'] as const;

/** Bytes so far; the total and percent are null while the server has not said how large the file is. */
export const downloadProgress = z.object({
  bytes: z.number().int(),
  total_bytes: z.number().int().nullable(),
  percent: z.number().int().min(0).max(100).nullable(),
});
export type DownloadProgress = z.infer<typeof downloadProgress>;

/**
 * One server running the deployment (a replica). Nodes are the platform's: an organization sees the name of the
 * node a server runs on, never its address or id; operators get the id too (adminReplicaServer).
 */
const replicaServer = z.object({
  id: z.string(),
  node: z.object({ name: z.string() }),
  status: z
    .enum(SERVER_STATUSES)
    .describe('placed → pulling (the model) → starting (loading it) → ready (serving); `stopping` while it is retired (scaled down, asleep, moved or replaced by a new generation).'),
  inflight: z
    .number()
    .int()
    .nullable()
    .describe('Requests in flight on this server over every gateway, as last reported about once a second (0 when none); null when Redis cannot be read.'),
  restarts: z.number().int().describe('Times it crashed and was started again.'),
  ready_at: z.iso.datetime().nullable().describe('When it last became ready; null while it is not serving.'),
});
const adminReplicaServer = replicaServer.extend({ node: z.object({ id: z.string(), name: z.string() }) });

/** The replicas as saved (min, max) and as running now (inflight, servers). */
const replicasOf = <S extends z.ZodType>(server: S) =>
  z
    .object({
      min: z.number().int().describe(SAYS.replicasMin),
      max: z.number().int().describe(SAYS.replicasMax),
      inflight: z
        .number()
        .int()
        .nullable()
        .describe('Requests in flight over every gateway (held ones included), as last reported about once a second; null when Redis cannot be read.'),
      servers: z.array(server).describe('Its servers, oldest first.'),
    })
    .describe(SAYS.replicas);

export const deployment = z.object({
  id: z.string(),
  name: z.string(),
  /** The `model` that picks this deployment on the organization endpoint (/api/llm). */
  model_name: z.string(),
  /** More names for it there: exact names or `*` globs. */
  model_aliases: z.array(z.string()),
  status: z
    .enum(DEPLOYMENT_STATUSES)
    .describe('What the worker last observed. `sleeping`: scaled to zero after `scale_down_after_s` without requests; it holds no GPU and wakes on the next request.'),
  desired_state: z.enum(DESIRED_STATES),
  status_message: z.string(),
  model: modelSource,
  gpu: z.object({ count: z.number().int(), type: z.string().nullable() }),
  context_size: z.number().int(),
  parallel: z.number().int(),
  embeddings: z.boolean(),
  llama_args: llamaArgs,
  replicas: replicasOf(replicaServer),
  scale_down_after_s: z.number().int().describe(SAYS.scaleDownAfterS),
  wake_timeout_s: z.number().int().describe(SAYS.wakeTimeoutS),
  target_concurrency: z.number().int().nullable().describe(SAYS.targetConcurrency),
  /** Bumped by every settings change or restart. */
  generation: z.number().int(),
  /** Root URL for the Anthropic SDK and Claude Code. */
  base_url: z.url(),
  /** base_url + /v1, for the OpenAI SDK. */
  openai_base_url: z.url(),
  /** The model file the worker prepared (downloaded or found in the library): SHA-256 in hex and size; null until known. */
  model_sha256: z.string().nullable(),
  model_bytes: z.number().int().nullable(),
  /** The worker's download of the model, while status is `pulling`; null otherwise. */
  download: downloadProgress.nullable(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type DeploymentObject = z.infer<typeof deployment>;

export type ReplicaServerObject = z.infer<typeof replicaServer>;
export type AdminReplicaServerObject = z.infer<typeof adminReplicaServer>;

/** Across organizations (admin view): the same object plus its owner, and its servers' node ids. */
export const adminDeployment = deployment.extend({ org_id: z.string(), replicas: replicasOf(adminReplicaServer) });
export type AdminDeploymentObject = z.infer<typeof adminDeployment>;

export const deploymentList = listOf(deployment);
export const adminDeploymentList = listOf(adminDeployment);

export const deploymentEvent = z.object({
  id: z.string(),
  type: z.string(),
  from_status: z.enum(DEPLOYMENT_STATUSES).nullable(),
  to_status: z.enum(DEPLOYMENT_STATUSES).nullable(),
  message: z.string(),
  data: z.unknown().nullable(),
  created_at: z.iso.datetime(),
});
export const deploymentEventList = listOf(deploymentEvent);

export const eventsQuery = z.object({
  limit: queryInteger(1, 500).default(100),
  cursor: sequenceCursor.optional(),
});

export const logsQuery = z.object({
  tail: queryInteger(1, 2000).default(100),
});
export const deploymentLogs = z.object({ data: z.array(z.string()) });

export const adminDeploymentsQuery = z.object({
  org_id: text(64).optional(),
  status: z.enum(DEPLOYMENT_STATUSES).optional(),
});
