const BASE_HEADERS = { 'cache-control': 'no-store' };

/** Every API answer: JSON, never cached, with its request id. Free of server dependencies, so the proxy can use it. */
export function jsonResponse(body: unknown, status: number, requestId: string, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...BASE_HEADERS, ...headers, 'x-request-id': requestId } });
}
