import type { ModelDeployment, ModelTable } from './model-table';

/** One name a caller may put in `model`: a deployment's model name or one of its exact aliases. */
interface ListedModel {
  id: string;
  deployment: ModelDeployment;
  /** Set for an alias: the model name it stands for. */
  aliasOf?: string;
}

/**
 * The names a key may use, in the table's order (model names sorted, each followed by its exact aliases).
 * Glob aliases are not names a caller can pick from a list; they are shown in each model's `aliases`.
 */
export function listedModels(table: ModelTable, mayUse: ((deployment: ModelDeployment) => boolean) | undefined): ListedModel[] {
  return table.deployments
    .filter((deployment) => mayUse?.(deployment) ?? true)
    .flatMap((deployment) => [{ id: deployment.modelName, deployment }, ...deployment.aliases.map((alias) => ({ id: alias, deployment, aliasOf: deployment.modelName }))]);
}

/** OpenAI's `GET /v1/models`, each entry with the deployment's status and how the name reaches it. */
export function openAiModelList(table: ModelTable, models: readonly ListedModel[]): unknown {
  return {
    object: 'list',
    data: models.map(({ id, deployment, aliasOf }) => ({
      id,
      object: 'model',
      created: Math.floor(deployment.createdAt / 1000),
      owned_by: table.orgId,
      status: deployment.status,
      deployment_id: deployment.id,
      ...(aliasOf === undefined ? { aliases: [...deployment.aliases, ...deployment.globs], default: table.defaultDeployment === deployment } : { alias_of: aliasOf }),
    })),
  };
}

export interface AnthropicPage {
  limit?: string | null;
  afterId?: string | null;
  beforeId?: string | null;
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

/**
 * Anthropic's `GET /v1/models`: `{data: [{type: "model", id, display_name, created_at}], has_more, first_id,
 * last_id}`, paged with `limit` (1-1000, default 20; out of range is clamped), `after_id` and `before_id` as the
 * Anthropic SDK's auto-pagination sends them.
 */
export function anthropicModelList(models: readonly ListedModel[], page: AnthropicPage = {}): unknown {
  const parsed = Number.parseInt(page.limit ?? '', 10);
  const limit = Number.isNaN(parsed) ? DEFAULT_LIMIT : Math.min(Math.max(parsed, 1), MAX_LIMIT);
  let from = 0;
  let to = models.length;
  if (page.afterId) from = models.findIndex((model) => model.id === page.afterId) + 1;
  if (page.beforeId) {
    const before = models.findIndex((model) => model.id === page.beforeId);
    to = before === -1 ? models.length : before;
    from = page.afterId ? from : Math.max(from, to - limit);
  }
  const slice = models.slice(from, Math.min(to, from + limit));
  return {
    data: slice.map(({ id, deployment, aliasOf }) => ({
      type: 'model',
      id,
      display_name: aliasOf === undefined ? id : `${id} (alias of ${aliasOf})`,
      created_at: new Date(deployment.createdAt).toISOString(),
      status: deployment.status,
    })),
    has_more: page.beforeId && !page.afterId ? from > 0 : from + slice.length < to,
    first_id: slice[0]?.id ?? null,
    last_id: slice.at(-1)?.id ?? null,
  };
}
