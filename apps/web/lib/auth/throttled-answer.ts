import { tooManyAttemptsSeconds } from './too-many-attempts';

/**
 * next-auth answers every refused credentials sign-in the same way (401, or a redirect for a plain
 * form post), with the reason as a code in the error URL. A throttled one becomes what it is:
 * 429 with Retry-After, the body unchanged, so the sign-in form still reads the code from it.
 */
export async function throttledAnswer(response: Response): Promise<Response> {
  if (response.status !== 401 || !response.headers.get('content-type')?.includes('application/json')) return response;
  const body = await response.text();
  let code: string | null = null;
  try {
    const { url } = JSON.parse(body) as { url?: unknown };
    if (typeof url === 'string') code = new URL(url, 'http://n').searchParams.get('error');
  } catch {
    // Not next-auth's {url} answer: passed on as it is.
  }
  const wait = tooManyAttemptsSeconds(code);
  const headers = new Headers(response.headers);
  if (wait !== null) headers.set('retry-after', String(wait));
  return new Response(body, { status: wait === null ? response.status : 429, headers });
}
