import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Caller } from '../auth/authorize';
import type { GatewayContext } from '../context';
import { type GatewayError, gatewayError } from '../http/errors';
import { keyResolveOptions } from '../models/model-access';
import { anthropicModelList, listedModels, openAiModelList } from '../models/model-list';

/**
 * `GET /api/llm/v1/models`: the names the key may use, answered by the gateway from its cached model table.
 * The Anthropic SDK and Claude Code send `anthropic-version` and get Anthropic's shape; everyone else OpenAI's.
 */
export async function serveModelList(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse, caller: Caller, headers: Record<string, string>): Promise<true | GatewayError> {
  const table = await ctx.directory.models(caller.key.orgId);
  if (!table) return gatewayError(401, 'invalid_api_key', 'Invalid API key.');
  const models = listedModels(table, keyResolveOptions(table, caller.key.allowedModels).mayUse);
  let list: unknown;
  if (req.headers['anthropic-version'] === undefined) list = openAiModelList(table, models);
  else {
    const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
    list = anthropicModelList(models, { limit: query.get('limit'), afterId: query.get('after_id'), beforeId: query.get('before_id') });
  }
  const body = JSON.stringify(list);
  res.writeHead(200, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
  return true;
}
