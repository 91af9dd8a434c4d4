import type { FuzzCase } from './fuzz-client';
import { type FuzzTargets, POST_ROUTES, type PostRoute, poster, routeCases } from './fuzz-cases';

const ORG = '/api/llm';
const BILLING = 'x-anthropic-billing-header: cc_version=2.1.197.3af; cc_entrypoint=sdk-cli;';

/**
 * The organization endpoint: every body family on each of its POST routes (the body's `model` naming the
 * route's server), odd model names, Claude Code's billing header in odd places, the model list with odd
 * queries, wrong methods, unknown routes and probes. An unknown model is a 404, never a 5xx.
 */
export function orgCases(targets: FuzzTargets, random: () => number): FuzzCase[] {
  const post = poster(targets.key, () => ORG);
  const auth = { authorization: `Bearer ${targets.key}` };
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  const cases: FuzzCase[] = [];
  const orgRoutes = POST_ROUTES.filter((route) => !route.path.startsWith('/tokenize') && !route.path.startsWith('/detokenize'));
  for (const route of orgRoutes) {
    const valid = { ...route.valid, model: targets.models[route.server] };
    cases.push(...routeCases(route, valid, post, targets.key, targets.maxBodyBytes, random));
    const named = (name: string, model: unknown, expect?: number) => cases.push(post(route, `model ${name}`, json({ ...valid, model }), { expect }));
    named('unknown', 'no-such-model', 404);
    named('missing', undefined, 400);
    named('empty', '', 400);
    named('of 257 characters', 'a'.repeat(257), 400);
    named('of 256 characters', `claude-${'a'.repeat(249)}`);
    named('upper-case', targets.models[route.server].toUpperCase());
    named('a glob', '*');
    named('with a NUL escape', 'chat\u0000', 400);
    named('non-ASCII', 'modèle-😀');
    named('a deployment id', targets.deployments[route.server], 404);
  }

  const messages = orgRoutes.find((route) => route.path === '/v1/messages') as PostRoute;
  const withSystem = (name: string, system: unknown, expect?: number) => cases.push(post(messages, `system ${name}`, json({ ...messages.valid, model: targets.models.chat, system }), { expect }));
  withSystem('billing block first', [{ type: 'text', text: BILLING }, { type: 'text', text: 'You are terse.' }], 200);
  withSystem('billing block alone', [{ type: 'text', text: BILLING }], 200);
  withSystem('billing string', BILLING, 200);
  withSystem('billing string and more', `${BILLING}\nBe brief.`, 200);
  withSystem('billing block with a lone surrogate', [{ type: 'text', text: `${BILLING}\ud800` }], 400);
  withSystem('billing block without text', [{ type: 'text' }, { type: 'text', text: 'x' }]);
  withSystem('a number', 5);
  withSystem('an empty array', []);
  withSystem('an array of nulls', [null, null]);
  cases.push(post(messages, 'system twice', Buffer.from(`{"model":"${targets.models.chat}","max_tokens":8,"messages":[{"role":"user","content":"x"}],"system":"${BILLING}","system":[{"type":"text","text":"${BILLING}"}]}`)));

  const list = (name: string, query: string, headers: Record<string, string> = {}): FuzzCase => ({ name: `${ORG}/v1/models ${name}`, method: 'GET', path: `${ORG}/v1/models${query}`, headers: { ...auth, ...headers }, expect: 200, protocol: 'openai' });
  const anthropicVersion = { 'anthropic-version': '2023-06-01' };
  cases.push(list('OpenAI', ''), list('Anthropic', '', anthropicVersion));
  for (const query of ['?limit=-1', '?limit=1e9', '?limit=abc', '?after_id=%ff', '?before_id=x&after_id=y', '?limit=1&before_id=chat', `?after_id=${'a'.repeat(5000)}`, '?a=1&a=2']) {
    cases.push(list(`Anthropic ${query.slice(0, 30)}`, query, anthropicVersion));
  }
  for (const method of ['POST', 'PUT', 'DELETE', 'HEAD']) cases.push({ name: `${method} ${ORG}/v1/models`, method, path: `${ORG}/v1/models`, headers: auth, expect: 405, protocol: 'openai' });
  for (const method of ['GET', 'PUT', 'DELETE']) cases.push({ name: `${method} ${ORG}/v1/messages`, method, path: `${ORG}/v1/messages`, headers: auth, expect: 405, protocol: 'anthropic' });
  for (const path of ['/tokenize', '/detokenize', '/health', '/props', '/v1', '/v1/nope', '//v1/models', '/../gguf']) {
    cases.push({ name: `${ORG} unknown route ${path}`, method: 'GET', path: `${ORG}${path}`, headers: auth, expect: 404 });
  }
  for (const path of [ORG, `${ORG}/`, '/']) cases.push({ name: `HEAD ${path}`, method: 'HEAD', path, headers: {}, expect: 200 });
  const chat = orgRoutes[0] as PostRoute;
  const validChat = json({ ...chat.valid, model: targets.models.chat });
  const authCase = (name: string, headers: Record<string, string>, expect: number): FuzzCase => ({ ...post(chat, `auth: ${name}`, validChat, { expect }), headers: { 'content-type': 'application/json', ...headers } });
  cases.push(
    authCase('none', {}, 401),
    authCase('x-api-key', { 'x-api-key': targets.key }, 200),
    authCase('expired key', { authorization: `Bearer ${targets.expiredKey}` }, 401),
    // The stranger's organization has no model of that name: exactly a missing model.
    authCase('another organization’s key', { authorization: `Bearer ${targets.strangerKey}` }, 404),
  );
  return cases;
}
