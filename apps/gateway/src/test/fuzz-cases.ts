import { gzipSync } from 'node:zlib';
import { seededRandom } from '@gguf/testkit';
import { randomBodies, structuredBodies } from './fuzz-bodies';
import type { FuzzCase } from './fuzz-client';
import { orgCases } from './fuzz-org-cases';
import { rawCases } from './fuzz-raw-cases';

/** What the fuzz aims at: deployments of one organization and keys in several states. */
export interface FuzzTargets {
  key: string;
  expiredKey: string;
  /** A valid key of another organization: every deployment here is a 404 for it. */
  strangerKey: string;
  /** Chat server started with --jinja, one without it, an embeddings server and a reranking server. */
  deployments: { chat: string; noJinja: string; embeddings: string; rerank: string };
  /** Their model names on the organization endpoint /api/llm (the organization has no default deployment). */
  models: Record<Server, string>;
  maxBodyBytes: number;
}

export type Server = keyof FuzzTargets['deployments'];
type Protocol = 'openai' | 'anthropic';

export interface PostRoute {
  path: string;
  server: Server;
  protocol: Protocol;
  valid: Record<string, unknown>;
  focus: string;
}

const user = { role: 'user', content: 'Say hello' };
export const POST_ROUTES: PostRoute[] = [
  { path: '/v1/chat/completions', server: 'chat', protocol: 'openai', valid: { model: 'm', messages: [user], max_tokens: 8 }, focus: 'messages' },
  { path: '/v1/completions', server: 'chat', protocol: 'openai', valid: { model: 'm', prompt: 'Once upon a time', max_tokens: 8 }, focus: 'prompt' },
  { path: '/v1/embeddings', server: 'embeddings', protocol: 'openai', valid: { model: 'm', input: 'text to embed' }, focus: 'input' },
  { path: '/v1/messages', server: 'chat', protocol: 'anthropic', valid: { model: 'm', max_tokens: 8, messages: [user] }, focus: 'messages' },
  { path: '/v1/messages/count_tokens', server: 'chat', protocol: 'anthropic', valid: { model: 'm', messages: [user] }, focus: 'messages' },
  { path: '/v1/rerank', server: 'rerank', protocol: 'openai', valid: { model: 'm', query: 'q', documents: ['a q', 'b'] }, focus: 'documents' },
  { path: '/tokenize', server: 'chat', protocol: 'openai', valid: { content: 'hello world' }, focus: 'content' },
  { path: '/detokenize', server: 'chat', protocol: 'openai', valid: { tokens: [256, 257] }, focus: 'tokens' },
];
const GET_ROUTES = ['/v1/models', '/health'];
const CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=utf-16', '*/*', 'application/json, text/html', '\u00ff'];
const RANDOM_MUTATIONS_PER_ROUTE = 30;

/** Builds a POST case at `base + route.path` with the key in `Authorization`. */
export function poster(key: string, base: (server: Server) => string) {
  const auth = { authorization: `Bearer ${key}` };
  return (route: PostRoute, name: string, body: Buffer, extra: Partial<FuzzCase> = {}): FuzzCase => ({
    name: `${base(route.server)}${route.path}: ${name}`.replace(/\/api\/gguf\/[^/]+/, ''),
    method: 'POST',
    path: `${base(route.server)}${route.path}`,
    headers: { ...auth, 'content-type': 'application/json' },
    body,
    protocol: route.protocol,
    ...extra,
  });
}

/** Every family of malformed bodies, encodings and sizes for one POST route, built from its valid body. */
export function routeCases(route: PostRoute, valid: Record<string, unknown>, post: ReturnType<typeof poster>, key: string, maxBodyBytes: number, random: () => number): FuzzCase[] {
  const auth = { authorization: `Bearer ${key}` };
  const bytes = Buffer.from(JSON.stringify(valid));
  const cases = [post(route, 'valid', bytes, { expect: 200 })];
  for (const variant of structuredBodies(valid, route.focus)) cases.push(post(route, variant.name, variant.body, { expect: variant.expect }));
  for (const variant of randomBodies(valid, RANDOM_MUTATIONS_PER_ROUTE, random)) cases.push(post(route, variant.name, variant.body));
  for (const type of CONTENT_TYPES) cases.push(post(route, `content-type ${type}`, bytes, { headers: { ...auth, 'content-type': type } }));
  cases.push(post(route, 'no content-type', bytes, { headers: auth }));
  cases.push(post(route, 'gzip-encoded', gzipSync(bytes), { headers: { ...auth, 'content-type': 'application/json', 'content-encoding': 'gzip' }, expect: 400 }));
  cases.push(post(route, 'chunked', bytes, { chunked: true, expect: 200 }));
  const oversize = Buffer.alloc(maxBodyBytes + 1, 0x20);
  cases.push(post(route, 'oversize', oversize, { expect: 413 }));
  cases.push(post(route, 'oversize, chunked', oversize, { chunked: true, expect: 413 }));
  return cases;
}

export function fuzzCases(targets: FuzzTargets, seed: number): FuzzCase[] {
  const random = seededRandom(seed);
  const base = (server: Server) => `/api/gguf/${targets.deployments[server]}`;
  const auth = { authorization: `Bearer ${targets.key}` };
  const post = poster(targets.key, base);
  const cases: FuzzCase[] = [];

  for (const route of POST_ROUTES) cases.push(...routeCases(route, route.valid, post, targets.key, targets.maxBodyBytes, random));

  const chat = POST_ROUTES[0] as PostRoute;
  const messagesRoute = POST_ROUTES[3] as PostRoute;
  const completions = POST_ROUTES[1] as PostRoute;
  const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  // What only llama-server can judge: the gateway must turn its 500s and 501s into 400s.
  cases.push(
    post({ ...chat, server: 'noJinja' }, 'tools without --jinja', json({ ...chat.valid, tools }), { expect: 400 }),
    post({ ...chat, server: 'noJinja' }, 'tool_choice without --jinja', json({ ...chat.valid, tool_choice: 'required' }), { expect: 400 }),
    post({ ...messagesRoute, server: 'noJinja' }, 'tools without --jinja', json({ ...messagesRoute.valid, tools: [{ name: 'f', input_schema: {} }] }), { expect: 400 }),
    post(chat, 'malformed tools', json({ ...chat.valid, tools: [{ type: 'function' }] }), { expect: 400 }),
    post(chat, 'n = 2', json({ ...chat.valid, n: 2 }), { expect: 400 }),
    post(chat, 'an image without a projector', json({ ...chat.valid, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }] }] }), { expect: 400 }),
    post(completions, 'echo', json({ ...completions.valid, echo: true }), { expect: 400 }),
    post(completions, 'best_of', json({ ...completions.valid, best_of: 2 }), { expect: 400 }),
    post({ ...chat, path: '/v1/embeddings' }, 'embeddings on a chat server', json({ input: 'x' }), { expect: 400 }),
    post({ ...completions, server: 'embeddings' }, 'completions on an embeddings server', json(completions.valid), { expect: 400 }),
    post(chat, 'max_tokens a billion with ignore_eos', json({ ...chat.valid, max_tokens: 1e9, ignore_eos: true }), { expect: 200 }),
    post(messagesRoute, 'max_tokens 2^31', json({ ...messagesRoute.valid, max_tokens: 2 ** 31 }), { expect: 400 }),
    post(messagesRoute, 'stream with a lone surrogate', json({ ...messagesRoute.valid, stream: true, system: '\ud800' }), { expect: 400 }),
    post(chat, 'stream, nested too deep', Buffer.from(`{"stream":true,"messages":[{"role":"user","content":"x"}],"x":${'['.repeat(150_000)}${']'.repeat(150_000)}}`), { expect: 400 }),
  );

  const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];
  for (const route of [...POST_ROUTES.map((r) => ({ path: r.path, method: 'POST', protocol: r.protocol })), ...GET_ROUTES.map((path) => ({ path, method: 'GET', protocol: 'openai' as Protocol }))]) {
    for (const method of methods.filter((m) => m !== route.method)) {
      cases.push({ name: `${method} ${route.path}`, method, path: `${base('chat')}${route.path}`, headers: auth, expect: 405, protocol: route.protocol });
    }
  }
  for (const path of GET_ROUTES) {
    for (const query of ['', '/', '?beta=true', '?q=%zz%00', `?long=${'a'.repeat(8000)}`, '?%ff=%fe', '?a=1&a=2&a[]=3']) {
      cases.push({ name: `GET ${path}${query.slice(0, 20)}`, method: 'GET', path: `${base('chat')}${path}${query}`, headers: auth, expect: 200, protocol: 'openai' });
    }
  }

  const unknownUnder = ['/v1/nope', '/v1', '/', '/props', '/slots', '/metrics', '/v1/chat/completions/x', '/v1/messages/batches', '//v1/models', '/v1//models', '/V1/MODELS', '/v1/models%2F', '/%2e%2e/v1/models', '/v1/./models', '/v1/models/..', '/completion', '/infill'];
  for (const path of unknownUnder) cases.push({ name: `unknown route ${path}`, method: 'GET', path: `${base('chat')}${path}`, headers: auth, expect: 404, protocol: path.startsWith('/v1/messages') ? 'anthropic' : 'openai' });
  const id = targets.deployments.chat;
  for (const deployment of ['dep_', 'dep_xxx', id.toUpperCase(), `${id}x`, '%2e%2e', 'a'.repeat(3000), '', '%00', targets.deployments.chat.replace('dep_', 'key_')]) {
    cases.push({ name: `deployment id ${deployment.slice(0, 30)}`, method: 'GET', path: `/api/gguf/${deployment}/v1/models`, headers: auth, expect: 404, protocol: 'openai' });
  }
  for (const path of ['/', '/api', '/api/gguf', '/api/gguf/', '/healthz/x', '/metrics/x', '/admin', '/v1/chat/completions', '/%00', '/..%2f..%2fetc/passwd', '*']) {
    cases.push({ name: `outside ${path}`, method: 'GET', path, headers: auth, expect: 404 });
  }
  cases.push({ name: 'gateway health', method: 'GET', path: '/healthz', headers: {}, expect: 200 });
  cases.push({ name: 'gateway metrics on loopback', method: 'GET', path: '/metrics', headers: {}, expect: 200 });

  const validChat = Buffer.from(JSON.stringify(chat.valid));
  const authCase = (name: string, headers: Record<string, string>, expect: number): FuzzCase => ({
    name: `auth: ${name}`,
    method: 'POST',
    path: `${base('chat')}${chat.path}`,
    headers: { 'content-type': 'application/json', ...headers },
    body: validChat,
    expect,
    protocol: 'openai',
  });
  const key = targets.key;
  const broken = `${key.slice(0, -1)}${key.endsWith('a') ? 'b' : 'a'}`;
  cases.push(
    authCase('none', {}, 401),
    authCase('empty bearer', { authorization: 'Bearer' }, 401),
    authCase('two spaces', { authorization: `Bearer  ${key}` }, 200),
    authCase('lower-case scheme', { authorization: `bearer ${key}` }, 200),
    authCase('no scheme', { authorization: key }, 200),
    authCase('basic', { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` }, 401),
    authCase('token scheme', { authorization: `Token ${key}` }, 401),
    authCase('x-api-key', { 'x-api-key': key }, 200),
    authCase('key header', { key }, 200),
    authCase('wrong bearer, right x-api-key', { authorization: 'Bearer gguf_wrong', 'x-api-key': key }, 401),
    authCase('broken checksum', { authorization: `Bearer ${broken}` }, 401),
    authCase('very long key', { authorization: `Bearer gguf_${'a'.repeat(8000)}` }, 401),
    authCase('latin-1 key', { authorization: 'Bearer gguf_\u00e9\u00ff' }, 401),
    authCase('expired key', { authorization: `Bearer ${targets.expiredKey}` }, 401),
    authCase('another organization’s key', { authorization: `Bearer ${targets.strangerKey}` }, 404),
    authCase('Connection names the credentials', { authorization: `Bearer ${key}`, connection: 'authorization, x-api-key, keep-alive' }, 200),
    authCase('many headers', { ...auth, ...Object.fromEntries(Array.from({ length: 90 }, (_, i) => [`x-junk-${i}`, `v${i}`])) }, 200),
    authCase('a 12 KiB header', { ...auth, 'x-big': 'b'.repeat(12 * 1024) }, 200),
    authCase('headers over 16 KiB', { ...auth, 'x-big': 'b'.repeat(17 * 1024) }, 431),
    authCase('expect 100-continue', { ...auth, expect: '100-continue' }, 200),
    authCase('content-length larger than the limit', { ...auth, 'content-length': String(targets.maxBodyBytes + 1) }, 413),
  );
  cases.push(...rawCases(`${base('chat')}${chat.path}`, targets.key, validChat));
  cases.push(...orgCases(targets, random));
  return cases;
}
