import { ApiError, fromZodError, getDeployment, resolveSessionOrgScope, toErrorBody } from '@gguf/api';
import { newId } from '@gguf/core';
import { assertSameOrigin } from '../../../../../../lib/auth/csrf';
import { ORG_COOKIE, readCookie, readSessionToken } from '../../../../../../lib/auth/session-cookie';
import { playgroundKey } from '../../../../../../lib/dashboard/playground-key';
import { playgroundRequest } from '../../../../../../lib/dashboard/playground-request';
import { readJsonBody } from '../../../../../../lib/api/read-json-body';
import { serverContext } from '../../../../../../lib/server/context';

/**
 * The playground's chat: the signed-in user's request, sent on to the deployment through the
 * gateway with a short-lived key minted for it, and the gateway's SSE stream passed back as it
 * comes. The key never reaches the browser, and the gateway needs no CORS for the dashboard.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const requestId = newId('request');
  const { env, db, deps } = serverContext();
  try {
    assertSameOrigin(request, env.PUBLIC_WEB_URL);
    const session = await readSessionToken(request.headers, env.AUTH_SECRET);
    if (!session) throw new ApiError('authentication_error', 'Your session has ended; sign in again.');
    const scope = await resolveSessionOrgScope(db, { ...session, orgId: readCookie(request.headers, ORG_COOKIE) }, requestId);
    const { id } = await params;
    const deployment = await getDeployment(deps, scope, id);
    const parsed = playgroundRequest.safeParse((await readJsonBody(request)).value);
    if (!parsed.success) throw fromZodError(parsed.error);
    const key = await playgroundKey(scope, deployment.id);
    const upstream = await fetch(`${deployment.openai_base_url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'local', ...parsed.data, stream: true, stream_options: { include_usage: true } }),
      signal: request.signal,
    }).catch(() => {
      throw new ApiError('internal_error', `The gateway at ${env.PUBLIC_GATEWAY_URL} could not be reached from the dashboard server.`);
    });
    return new Response(upstream.body, {
      status: upstream.status,
      headers: { 'content-type': upstream.headers.get('content-type') ?? 'text/event-stream', 'cache-control': 'no-store' },
    });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return Response.json(toErrorBody(error, requestId), { status: error.status });
  }
}
