// Cost of the gateway's request checks (apps/gateway/src/proxy/request-shape.ts) per request, against the
// JSON.parse the gateway needs anyway, for bodies from tiny to large. In-process, no I/O.
//
// usage: npx tsx bench/gateway-request-checks.ts [--ms 1000]
import { parseArgs } from 'node:util';
import { checkRequestBody } from '../apps/gateway/src/proxy/request-shape';
import { parseTarget, type RouteSpec } from '../apps/gateway/src/routes';

const { values } = parseArgs({ options: { ms: { type: 'string', default: '1000' } } });
const ms = Number(values.ms);

function route(path: string): RouteSpec {
  const target = parseTarget('POST', `/api/gguf/dep_00000000000000000000000000${path}`);
  if (target?.kind !== 'route') throw new Error(path);
  return target.route;
}

const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i % 97}`).join(' ');
const tool = (i: number) => ({
  name: `tool_${i}`,
  description: words(40),
  input_schema: { type: 'object', properties: { path: { type: 'string' }, options: { type: 'object', properties: { depth: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } } } }, required: ['path'] },
});
const cases: [string, RouteSpec, unknown][] = [
  ['bench chat body (the gateway bench sends this)', route('/v1/chat/completions'), { model: 'local', messages: [{ role: 'user', content: 'What is the capital of France?' }], max_tokens: 64 }],
  ['chat, 20 turns (~8 KB)', route('/v1/chat/completions'), { model: 'm', messages: Array.from({ length: 20 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: words(60) })) }],
  ['Claude Code-like messages, 30 tools (~60 KB)', route('/v1/messages'), { model: 'm', max_tokens: 4096, system: [{ type: 'text', text: words(2000) }], tools: Array.from({ length: 30 }, (_, i) => tool(i)), messages: Array.from({ length: 10 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: [{ type: 'text', text: words(200) }] })) }],
  ['chat with \\u escapes (text walk on, ~8 KB)', route('/v1/chat/completions'), { model: 'm', messages: Array.from({ length: 20 }, () => ({ role: 'user', content: `caf\u00e9 \u{1f600} ${words(60)}` })) }],
  ['embeddings, 2,000 inputs (~1 MB)', route('/v1/embeddings'), { model: 'm', input: Array.from({ length: 2000 }, () => words(80)) }],
  ['completions, 100,000 token ids (~600 KB)', route('/v1/completions'), { model: 'm', prompt: Array.from({ length: 100_000 }, (_, i) => 256 + (i % 30_000)) }],
];

function perCall(fn: () => unknown): number {
  for (let i = 0; i < 200; i++) fn();
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 20; i++) fn();
    calls += 20;
  }
  return ((performance.now() - start) * 1000) / calls;
}

console.log('| Body | bytes | JSON.parse µs | checks µs (parse included) | added µs |');
console.log('| --- | --- | --- | --- | --- |');
for (const [name, spec, value] of cases) {
  const body = Buffer.from(JSON.stringify(value).replace(/é/g, '\\u00e9'));
  const result = checkRequestBody(spec, body);
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  const parse = perCall(() => JSON.parse(body.toString('utf8')));
  const checks = perCall(() => checkRequestBody(spec, body));
  console.log(`| ${name} | ${body.length} | ${parse.toFixed(1)} | ${checks.toFixed(1)} | ${(checks - parse).toFixed(1)} |`);
}
