import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { generateApiKey, newId } from '@gguf/core';
import { startFakeLlamaServer } from '@gguf/testkit/fake-llama-server';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './test/harness';

let h: Harness;

beforeAll(async () => {
  // A refused connection is retried once, not waited on: these are the answers a caller gets without one.
  h = await startHarness({ GATEWAY_UPSTREAM_RETRY_WINDOW_MS: '0' });
});
afterAll(() => h?.close());

const openai = (key: string, deploymentId = h.deploymentId) => new OpenAI({ apiKey: key, baseURL: `${h.deploymentUrl(deploymentId)}/v1`, maxRetries: 0 });
const anthropic = (key: string, deploymentId = h.deploymentId) => new Anthropic({ apiKey: key, baseURL: h.deploymentUrl(deploymentId), maxRetries: 0 });
const chat = (client: OpenAI) => client.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'hi' }] });
const message = (client: Anthropic) => client.messages.create({ model: 'local', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });

async function raw(path: string, init: RequestInit = {}) {
  const res = await fetch(`${h.url}${path}`, init);
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('authentication', () => {
  it('refuses a missing key with 401 in the OpenAI shape, without a lookup', async () => {
    const res = await raw(`/api/gguf/${h.deploymentId}/v1/models`);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { message: expect.stringContaining('Missing API key'), type: 'authentication_error', param: null, code: 'missing_api_key' } });
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('refuses malformed, unknown and expired keys with the SDKs’ AuthenticationError', async () => {
    const expired = await h.createKey(h.orgId, { expiresAt: new Date(Date.now() - 1000) });
    for (const key of ['not-a-key', generateApiKey().key, expired.key]) {
      await expect(chat(openai(key))).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
      await expect(message(anthropic(key))).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    }
  });

  it('answers a missing key on /v1/messages in the Anthropic shape', async () => {
    const res = await raw(`/api/gguf/${h.deploymentId}/v1/messages`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ type: 'error', error: { type: 'authentication_error', message: expect.stringContaining('Missing API key') } });
    expect(res.headers.get('request-id')).toMatch(/^req_/);
  });
});

describe('deployments that cannot be reached', () => {
  it('answers an unknown deployment and another org’s deployment alike: 404', async () => {
    const otherOrg = await h.createOrg();
    const theirs = await h.createDeployment(otherOrg);
    const missing = newId('deployment');
    await expect(chat(openai(h.key, missing))).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(message(anthropic(h.key, theirs))).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    const a = await raw(`/api/gguf/${missing}/v1/models`, { headers: { authorization: `Bearer ${h.key}` } });
    const b = await raw(`/api/gguf/${theirs}/v1/models`, { headers: { authorization: `Bearer ${h.key}` } });
    expect(a.status).toBe(404);
    expect(JSON.stringify(b.body).replace(theirs, missing)).toBe(JSON.stringify(a.body));
    // And their own key still works for them.
    const theirKey = await h.createKey(otherOrg);
    expect((await raw(`/api/gguf/${theirs}/v1/models`, { headers: { authorization: `Bearer ${theirKey.key}` } })).status).toBe(200);
  });

  it('answers a malformed deployment id with 404', async () => {
    const res = await raw('/api/gguf/dep_nope/v1/models', { headers: { authorization: `Bearer ${h.key}` } });
    expect(res.status).toBe(404);
    expect((res.body.error as { code: string }).code).toBe('deployment_not_found');
  });

  it('refuses a key restricted to other deployments with 403', async () => {
    const other = await h.createDeployment(h.orgId);
    const scoped = await h.createKey(h.orgId, { scope: [other] });
    await expect(chat(openai(scoped.key))).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    await expect(message(anthropic(scoped.key))).rejects.toBeInstanceOf(Anthropic.PermissionDeniedError);
    await expect(chat(openai(scoped.key, other))).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it.each(['pending', 'starting', 'stopped'] as const)('answers 503 with Retry-After at once while the deployment is %s', async (status) => {
    // A new deployment: none of its servers was ever ready.
    const id = await h.createDeployment(h.orgId, { status, upstreamUrl: null });
    const res = await raw(`/api/gguf/${id}/v1/models`, { headers: { authorization: `Bearer ${h.key}` } });
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((res.body.error as { code: string }).code).toBe('deployment_not_running');
    await expect(chat(openai(h.key, id))).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    const error = await message(anthropic(h.key, id)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect((error as InstanceType<typeof Anthropic.InternalServerError>).status).toBe(503);
  });

  it('relays llama-server’s 503 while its model is still loading, with Retry-After', async () => {
    const loading = await startFakeLlamaServer({ args: ['--api-key', h.upstreamSecret], env: { FAKE_LLAMA_LOAD_MS: '600000' } });
    try {
      const id = await h.createDeployment(h.orgId, { upstreamUrl: loading.url });
      const res = await raw(`/api/gguf/${id}/health`, { headers: { authorization: `Bearer ${h.key}` } });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.body).toMatchObject({ error: { code: 'deployment_loading', message: 'Loading model' } });
    } finally {
      await loading.close();
    }
  });

  it('answers 502 when the upstream refuses the connection', async () => {
    const id = await h.createDeployment(h.orgId, { upstreamUrl: `http://127.0.0.1:${await closedPort()}` });
    const error = await chat(openai(h.key, id)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(502);
    const anthropicError = await message(anthropic(h.key, id)).catch((e: unknown) => e);
    expect(anthropicError).toBeInstanceOf(Anthropic.InternalServerError);
    expect((anthropicError as InstanceType<typeof Anthropic.InternalServerError>).error).toMatchObject({ type: 'error', error: { type: 'api_error' } });
  });
});

describe('upstream errors and bad requests', () => {
  it('relays an upstream 500 in each protocol’s shape', async () => {
    const options = { headers: { 'x-fake-fail-status': '500' } };
    const openAiError = await openai(h.key)
      .chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'hi' }] }, options)
      .catch((e: unknown) => e);
    expect(openAiError).toBeInstanceOf(OpenAI.InternalServerError);
    expect((openAiError as InstanceType<typeof OpenAI.InternalServerError>).message).toContain('Injected failure');
    const anthropicError = await anthropic(h.key)
      .messages.create({ model: 'local', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }, options)
      .catch((e: unknown) => e);
    expect(anthropicError).toBeInstanceOf(Anthropic.InternalServerError);
    expect((anthropicError as InstanceType<typeof Anthropic.InternalServerError>).error).toMatchObject({ type: 'error', error: { type: 'api_error' } });
  });

  it('relays an upstream 400 (a prompt over the slot’s context) as BadRequestError with llama-server’s message', async () => {
    const content = 'word '.repeat(600);
    const openAiError = await openai(h.key).chat.completions.create({ model: 'local', messages: [{ role: 'user', content }] }).catch((e: unknown) => e);
    expect(openAiError).toBeInstanceOf(OpenAI.BadRequestError);
    expect((openAiError as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('exceeds the available context size');
    const anthropicError = await anthropic(h.key).messages.create({ model: 'local', max_tokens: 16, messages: [{ role: 'user', content }] }).catch((e: unknown) => e);
    expect(anthropicError).toBeInstanceOf(Anthropic.BadRequestError);
    expect((anthropicError as InstanceType<typeof Anthropic.BadRequestError>).message).toContain('exceeds the available context size');
    expect(h.fake.stats().lastBody).toMatchObject({ messages: [{ role: 'user', content }] });
  });

  it('refuses a body that is not JSON with 400 in the caller’s protocol', async () => {
    const headers = { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' };
    const a = await raw(`/api/gguf/${h.deploymentId}/v1/chat/completions`, { method: 'POST', headers, body: '{nope' });
    expect(a.status).toBe(400);
    expect((a.body.error as { code: string }).code).toBe('invalid_json');
    const b = await raw(`/api/gguf/${h.deploymentId}/v1/messages`, { method: 'POST', headers, body: '[1]' });
    expect(b.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('answers unknown routes with 404 in the caller’s protocol, and a wrong method with 405', async () => {
    const headers = { authorization: `Bearer ${h.key}` };
    const openAiShape = await raw(`/api/gguf/${h.deploymentId}/v1/nope`, { headers });
    expect(openAiShape.status).toBe(404);
    expect(openAiShape.body).toMatchObject({ error: { type: 'not_found_error', code: 'route_not_found', param: null } });
    const anthropicShape = await raw(`/api/gguf/${h.deploymentId}/v1/messages/batches`, { headers });
    expect(anthropicShape).toMatchObject({ status: 404, body: { type: 'error', error: { type: 'not_found_error' } } });
    const outside = await raw('/v2/anything');
    expect(outside.status).toBe(404);
    expect(outside.headers.get('x-request-id')).toMatch(/^req_/);
    const wrongMethod = await raw(`/api/gguf/${h.deploymentId}/v1/models`, { method: 'POST', headers, body: '{}' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });
});
