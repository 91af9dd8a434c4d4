import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './test/eventually';
import { startGatewayProcess } from './test/gateway-process';
import { type Harness, startHarness } from './test/harness';

/**
 * A gateway process killed with SIGKILL during steady traffic: every request it answered must still reach
 * usage_hourly. The killed gateway runs as a child process (`main.ts`, as `npm start` runs the bundle); the
 * harness's in-process gateway is the instance that survives and writes the dead one's tail.
 */
let h: Harness;
let child: ChildProcess | undefined;

beforeAll(async () => {
  // The survivor takes over what the dead gateway had read but not written after one idle second.
  h = await startHarness({ GATEWAY_USAGE_CLAIM_MS: '1000' });
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await h?.close();
});

/** One request, streamed or not; true only when the whole answer arrived with status 200. */
async function answered(url: string, key: string, deploymentId: string, stream: boolean): Promise<boolean> {
  try {
    const res = await fetch(`${url}/api/gguf/${deploymentId}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'local', messages: [{ role: 'user', content: 'Say something short' }], max_tokens: 4, stream }),
    });
    const body = await res.text();
    return res.status === 200 && (stream ? body.includes('data: [DONE]') : JSON.parse(body).object === 'chat.completion');
  } catch {
    return false;
  }
}

describe('a gateway killed under load', () => {
  it('loses no usage of the requests it answered', { timeout: 180_000 }, async () => {
    const { key, id: apiKeyId } = await h.createKey(h.orgId);
    const gateway = await startGatewayProcess(h.gateway.context.env, {
      GATEWAY_KEY_RPM: '0',
      GATEWAY_ORG_RPM: '0',
      GATEWAY_KEY_MAX_STREAMS: '0',
      GATEWAY_ORG_MAX_STREAMS: '0',
      // As shipped: usage would wait up to a second in memory before this change.
      GATEWAY_METER_FLUSH_MS: '1000',
    });
    child = gateway.child;
    let ok = 0;
    let failed = 0;
    let stop = false;
    const client = async (n: number) => {
      for (let i = 0; !stop; i++) {
        if (await answered(gateway.url, key, h.deploymentId, (n + i) % 2 === 0)) ok++;
        else failed++;
      }
    };
    const clients = Array.from({ length: 16 }, (_, n) => client(n));
    await eventually(() => ok >= 300, 60_000);
    gateway.child.kill('SIGKILL');
    await new Promise((resolve) => gateway.child.once('exit', resolve));
    stop = true;
    await Promise.all(clients);

    const metered = async () => Number((await h.db.usageHourly.aggregate({ where: { apiKeyId }, _sum: { requests: true } }))._sum.requests ?? 0);
    await eventually(async () => (await metered()) >= ok, 30_000).catch(() => undefined);
    const rows = await metered();
    console.info(`killed gateway: ${ok} requests answered 200, ${failed} cut off by the kill, ${rows} metered`);
    // Every answered request is metered; at most the requests cut off by the kill were metered besides
    // (usage is recorded just before a response's end goes out), and none twice.
    expect(rows).toBeGreaterThanOrEqual(ok);
    expect(rows).toBeLessThanOrEqual(ok + failed);
  });
});
