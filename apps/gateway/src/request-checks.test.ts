import { request } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './test/harness';

let h: Harness;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  h = await startHarness();
  openai = new OpenAI({ apiKey: h.key, baseURL: `${h.deploymentUrl()}/v1`, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: h.key, baseURL: h.deploymentUrl(), maxRetries: 0 });
});
afterAll(() => h?.close());

async function post(path: string, body: string | Buffer, deploymentId = h.deploymentId) {
  const res = await fetch(`${h.deploymentUrl(deploymentId)}${path}`, { method: 'POST', headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Requests the fake llama-server has seen; a refused request must not reach it. */
const upstreamRequests = () => h.fake.stats().requests;

describe('request checks before llama-server', () => {
  it('refuses what llama-server would answer with a 500, in the caller’s protocol, without sending it upstream', async () => {
    const before = upstreamRequests();
    const surrogate = await post('/v1/chat/completions', '{"model":"m","messages":[{"role":"user","content":"\\ud800"}]}');
    expect(surrogate).toEqual({
      status: 400,
      body: { error: { type: 'invalid_request_error', code: 'invalid_unicode', param: null, message: expect.stringContaining('messages[0].content is not well-formed text') } },
    });
    const noMessages = await post('/v1/messages', '{"model":"m","max_tokens":5}');
    expect(noMessages).toEqual({ status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: '`messages` is required: a non-empty array of messages.' } } });
    const nul = await post('/v1/messages/count_tokens', '{"messages":[{"role":"user","content":"a\\u0000b"}]}');
    expect(nul.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('NUL') } });
    const arrayModel = await post('/v1/embeddings', '{"model":["m"],"input":"x"}');
    expect(arrayModel.body).toMatchObject({ error: { code: 'invalid_request', param: 'model', message: '`model` must be a string.' } });
    expect(upstreamRequests()).toBe(before);
  });

  it('raises the SDKs’ BadRequestError for a refused shape', async () => {
    await expect(openai.chat.completions.create({ model: 'm', messages: [] })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    const error = await anthropic.messages.create({ model: 'm', max_tokens: 0, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({ error: { message: '`max_tokens` is required: an integer from 1 to 2147483647.' } });
  });

  it('forwards an accepted body byte for byte, fields it does not know included', async () => {
    const body = '{ "messages" : [ {"role":"user","content":"caf\\u00e9 \\ud83d\\ude00"} ],\n  "x_custom": {"n": 1.50, "deep": [[["ok"]]]}, "model":"m" }';
    expect((await post('/v1/chat/completions', body)).status).toBe(200);
    const seen = h.fake.stats();
    expect(seen.lastHeaders?.['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(seen.lastBody).toEqual(JSON.parse(body));
  });

  it('answers 400 for what the deployment was not started with: tools without --jinja, embeddings on a chat server', async () => {
    const noJinja = await h.startFake(['--no-jinja']);
    const id = await h.createDeployment(h.orgId, { upstreamUrl: noJinja.url });
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const client = new OpenAI({ apiKey: h.key, baseURL: `${h.deploymentUrl(id)}/v1`, maxRetries: 0 });
    const error = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'weather?' }], tools }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ code: 'unsupported_by_deployment', message: 'tools param requires --jinja flag' });
    const embeddings = await post('/v1/embeddings', '{"input":"x"}');
    expect(embeddings).toMatchObject({ status: 400, body: { error: { code: 'unsupported_by_deployment', message: expect.stringContaining('--embeddings') } } });
  });
});

describe('hop-by-hop headers', () => {
  it('does not forward the headers the caller’s Connection header names', async () => {
    const url = new URL(`${h.deploymentUrl()}/v1/models`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { headers: { authorization: `Bearer ${h.key}`, connection: 'keep-alive, X-Hop-Only', 'x-hop-only': 'secret-for-the-next-hop', 'x-kept': 'kept' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    const seen = h.fake.stats().lastHeaders ?? {};
    expect(seen['x-kept']).toBe('kept');
    expect(seen).not.toHaveProperty('x-hop-only');
  });
});
