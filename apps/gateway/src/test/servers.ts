import { newId } from '@gguf/core';
import type { Database, ServerStatus } from '@gguf/db';

/**
 * What the worker writes once a deployment's server is up: a node (one per server, as the worker spreads a
 * deployment's servers across nodes) and a `servers` row, ready on `upstreamUrl` since `readyAt`, which the
 * deployment keeps as the last time one of its servers became ready. The one place
 * gateway tests and benchmarks put a deployment on an upstream. Returns the server's id.
 */
export async function readyServer(db: Database, deploymentId: string, upstreamUrl: string, readyAt = new Date()): Promise<string> {
  const url = new URL(upstreamUrl);
  const nodeId = newId('node');
  const serverId = newId('server');
  const { generation } = await db.deployment.findUniqueOrThrow({ where: { id: deploymentId }, select: { generation: true } });
  await db.$transaction([
    db.node.create({ data: { id: nodeId, name: nodeId, runtimeKind: 'process', address: url.hostname } }),
    db.server.create({ data: { id: serverId, deploymentId, generation, nodeId, port: Number(url.port), status: 'ready', upstreamUrl, readyAt } }),
    db.deployment.update({ where: { id: deploymentId }, data: { readyAt } }),
  ]);
  return serverId;
}

/** A server's status changes as the worker writes it: no address unless it is ready, a new ready time when it becomes ready again. */
export async function setServer(db: Database, serverId: string, change: { status: ServerStatus; upstreamUrl?: string; readyAt?: Date }): Promise<void> {
  const ready = change.status === 'ready';
  const readyAt = change.readyAt ?? new Date();
  const server = await db.server.update({ where: { id: serverId }, data: { status: change.status, upstreamUrl: ready ? change.upstreamUrl : null, ...(ready ? { readyAt } : {}) } });
  if (ready) await db.deployment.update({ where: { id: server.deploymentId }, data: { readyAt } });
}
