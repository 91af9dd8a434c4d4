import { Writable } from 'node:stream';
import { createLogger, newId } from '@gguf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './test/eventually';
import { type Harness, startHarness } from './test/harness';

const METRICS_TOKEN = 'metrics-token-0123456789';
const lines: string[] = [];
let h: Harness;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  h = await startHarness({ GATEWAY_METRICS_TOKEN: METRICS_TOKEN }, createLogger('gateway-test', 'info', sink));
});
afterAll(() => h?.close());

const chat = (content: string) =>
  fetch(`${h.deploymentUrl()}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'local', messages: [{ role: 'user', content }] }),
  });

describe('observability', () => {
  it('logs one structured line per request, without keys or prompts', async () => {
    const secretPrompt = `confidential-${newId('request')}`;
    const res = await chat(secretPrompt);
    await res.text();
    const requestId = res.headers.get('x-request-id')!;
    await eventually(() => lines.some((line) => line.includes(requestId)));
    const line = JSON.parse(lines.find((l) => l.includes(requestId))!) as Record<string, unknown>;
    expect(line).toMatchObject({ msg: 'request', route: 'chat_completions', status: 200, result: 'ok', deploymentId: h.deploymentId });
    const all = lines.join('');
    expect(all).not.toContain(h.key);
    expect(all).not.toContain(secretPrompt);
    expect(all).not.toContain(h.upstreamSecret);
  });

  it('serves Prometheus metrics behind the metrics token', async () => {
    await (await chat('hello')).text();
    expect((await fetch(`${h.url}/metrics`)).status).toBe(401);
    const res = await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    const text = await res.text();
    expect(text).toMatch(/gateway_requests_total\{route="chat_completions",status="200"\} \d+/);
    expect(text).toContain('gateway_request_duration_seconds_bucket');
    expect(text).toMatch(/gateway_tokens_total\{direction="output"\} \d+/);
    expect(text).toContain('gateway_active_streams 0');
  });

  it('answers /healthz', async () => {
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });
});
