// What choosing the deployment by `model` (/api/llm) costs the gateway over naming it in the URL (/api/gguf/{id}),
// measured in process where the machine's other load cannot blur a difference of microseconds: both steps with
// every lookup a cache hit, as on the hot path. The organization has 20 deployments with 3 aliases and 2 globs
// each; names are resolved by model name, alias, glob and the default, by an unrestricted and a restricted key.
//
// usage: npx tsx bench/gateway-resolution.ts [--iterations 200000] [--rounds 7]
import { parseArgs } from 'node:util';
import { deploymentById } from '../apps/gateway/src/auth/authorize';
import { deploymentByModel } from '../apps/gateway/src/auth/deployment-by-model';
import { type DeploymentRecord, Directory, type KeyRecord } from '../apps/gateway/src/auth/directory';
import { UpstreamEjections } from '../apps/gateway/src/failover/upstream-ejections';
import { buildModelTable } from '../apps/gateway/src/models/model-table';
import type { Database } from '@gguf/db';
import { SecretBox } from '@gguf/core';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '7' } } });
const iterations = Number(values.iterations);
const rounds = Number(values.rounds);

const orgId = 'org_bench';
const rows = Array.from({ length: 20 }, (_, i) => ({
  id: `dep_${i}`,
  modelName: `model-${i}`,
  modelAliases: [`alias-${i}-a`, `alias-${i}-b`, `alias-${i}-c`, `family-${i}-*`, `vendor-${i}-*-mini`],
  status: 'running',
  createdAt: new Date(0),
}));
// Never queried: every lookup below is served from the caches primed here.
const directory = new Directory({} as Database, { ttlMs: 3_600_000, negativeTtlMs: 1_000, maxEntries: 1_000, secrets: new SecretBox({ current: 'x'.repeat(40) }) });
await directory.modelTables.get(orgId, async () => buildModelTable(orgId, rows, 'dep_7'));
for (const row of rows) {
  const record: DeploymentRecord = {
    id: row.id,
    orgId,
    modelName: row.modelName,
    status: 'running',
    upstreams: [{ serverId: `srv_${row.id}`, url: 'http://127.0.0.1:1', readyAt: 0 }],
    targetConcurrency: 1,
    upstreamSecret: 's',
    replicasMin: 1,
    wakeTimeoutS: 600,
    desiredState: 'running',
    servedBefore: true,
    servedModelId: row.modelName,
  };
  await directory.deployments.get(row.id, async () => record);
}
const key = (allowedModels: string[] | null): KeyRecord => ({ id: 'key_1', orgId, expiresAt: null, allowedModels, rpm: null, maxStreams: null, tokenBudget: null });
const org = { rpm: null, maxStreams: null };

/** Nanoseconds per call of `step`, after a warm-up. */
async function time(step: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 10_000; i++) await step();
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await step();
  return Number(process.hrtime.bigint() - started) / iterations;
}

const everyone = { key: key(null), org };
const restricted = { key: key(['model-3', 'family-7-*', 'dep_12']), org };
// Nothing ejected: the cost measured is the lookup's.
const admission = { ejections: new UpstreamEjections(5_000) };
const steps: [string, () => Promise<unknown>][] = [
  ['by URL (/api/gguf/{id})', () => deploymentById(directory, everyone, 'dep_3', admission)],
  ['by model name', () => deploymentByModel(directory, everyone, 'model-3', admission)],
  ['by alias', () => deploymentByModel(directory, everyone, 'alias-3-b', admission)],
  ['by glob', () => deploymentByModel(directory, everyone, 'vendor-3-x-mini', admission)],
  ['by default', () => deploymentByModel(directory, everyone, 'gpt-4o', admission)],
  ['by URL, restricted key (a name in its list)', () => deploymentById(directory, restricted, 'dep_3', admission)],
  ['by glob, restricted key', () => deploymentByModel(directory, restricted, 'family-7-large', admission)],
];
// Rounds interleave the steps, so a burst of load from elsewhere falls on all of them. The fastest round is the
// least disturbed by other processes (the figure to compare on a shared machine); the median is printed beside it.
const samples = steps.map(() => [] as number[]);
for (let round = 0; round < rounds; round++) for (const [index, [, step]] of steps.entries()) samples[index]!.push(await time(step));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const byUrl = Math.min(...samples[0]!);
process.stdout.write(`${rounds} rounds × ${iterations} calls: ns per call, fastest round (median, slowest)\n`);
for (const [index, [label]] of steps.entries()) {
  const values = samples[index]!;
  const ns = Math.min(...values);
  const delta = index === 0 ? '' : `   ${ns - byUrl >= 0 ? '+' : ''}${(ns - byUrl).toFixed(0)} ns vs by URL`;
  process.stdout.write(`${label.padEnd(44)} ${ns.toFixed(0).padStart(6)} ns (${median(values).toFixed(0)}, ${Math.max(...values).toFixed(0)})${delta}\n`);
}
