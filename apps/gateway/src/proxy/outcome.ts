import type { GatewayContext } from '../context';
import type { Tokens } from '../metering/usage';
import type { RouteSpec } from '../routes';

export interface Outcome {
  requestId: string;
  route: RouteSpec;
  status: number;
  /** ok, client_closed, or what went wrong; client aborts are routine, not errors. */
  result: string;
  startedAt: number;
  streamed: boolean;
  /** Set once the request was sent upstream: it then counts as usage of that key on that deployment. */
  usage?: { apiKeyId: string; deploymentId: string; orgId: string; modelName: string; tokens: Tokens | undefined };
}

/**
 * Metrics, the access log line and metering for one finished request. Never sees keys or bodies. `end`, the
 * response's end, is called once the usage is on its way (see Meter.record).
 */
export function recordOutcome(ctx: GatewayContext, outcome: Outcome, end?: () => void): void {
  const { metrics } = ctx;
  const seconds = (performance.now() - outcome.startedAt) / 1000;
  metrics.requestSeries(outcome.route.name, outcome.status, outcome.streamed).observe(seconds);
  const usage = outcome.usage;
  if (usage) {
    const input = usage.tokens?.input ?? 0;
    const output = usage.tokens?.output ?? 0;
    ctx.meter.record({ apiKeyId: usage.apiKeyId, deploymentId: usage.deploymentId, orgId: usage.orgId, modelName: usage.modelName, inputTokens: input, outputTokens: output }, end);
    if (input > 0) metrics.tokens.inc({ direction: 'input' }, input);
    if (output > 0) metrics.tokens.inc({ direction: 'output' }, output);
  } else end?.();
  const fields = {
    requestId: outcome.requestId,
    route: outcome.route.name,
    status: outcome.status,
    result: outcome.result,
    ms: Math.round(seconds * 10_000) / 10,
    streamed: outcome.streamed,
    deploymentId: usage?.deploymentId,
    apiKeyId: usage?.apiKeyId,
    inputTokens: usage?.tokens?.input,
    outputTokens: usage?.tokens?.output,
  };
  // A stream that failed after its 200 went out (`…_mid_stream`) failed as much as a 5xx did.
  if (outcome.status >= 500 || outcome.result.endsWith('_mid_stream')) ctx.accessLogger.warn(fields, 'request failed');
  else ctx.accessLogger.info(fields, 'request');
}
