import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayContext } from './context';
import { createGatewayServer } from './server';
import { type Harness, startHarness } from './test/harness';

const TOKEN = 'metrics-token-0123456789';
let h: Harness;
const servers: Server[] = [];

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  for (const server of servers) server.close();
  await h?.close();
});

/** The same gateway listening on every interface (requests still go to 127.0.0.1 only). */
async function onEveryInterface(context: GatewayContext): Promise<string> {
  const server = createGatewayServer(context, {});
  servers.push(server);
  server.listen(0, '0.0.0.0');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const metrics = (base: string, headers: Record<string, string> = {}) => fetch(`${base}/metrics`, { headers });

describe('/metrics access', () => {
  it('is open without GATEWAY_METRICS_TOKEN while the gateway listens on loopback only', async () => {
    const res = await metrics(h.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('gateway_requests_total');
  });

  it('is refused with 403 without GATEWAY_METRICS_TOKEN once the gateway listens beyond loopback', async () => {
    const res = await metrics(await onEveryInterface(h.gateway.context));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'metrics_token_required', type: 'permission_error' } });
  });

  it('needs the token beyond loopback when one is set', async () => {
    const base = await onEveryInterface({ ...h.gateway.context, env: { ...h.gateway.context.env, GATEWAY_METRICS_TOKEN: TOKEN } });
    expect((await metrics(base)).status).toBe(401);
    expect((await metrics(base, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });
});
