/**
 * An error answer to a request that carries a body closes the connection. Such an answer may come
 * before the body was read, or read to the end: a 401 (authentication comes first), a 413 by
 * Content-Length or at the cap of a chunked body. On a kept-alive connection Node would then read
 * the rest of the body, however large, to reach the next request; closing it reads nothing more.
 */
export function closeUnreadBody(request: Request, response: Response): Response {
  const length = request.headers.get('content-length');
  const hasBody = request.headers.has('transfer-encoding') || (length !== null && length !== '0');
  if (response.status >= 400 && hasBody) response.headers.set('connection', 'close');
  return response;
}
