/**
 * The node helper: the worker's image run on a remote engine's host, where the worker's own
 * process cannot reach the disk or the servers' sockets (see NodeHelper in @gguf/runtime).
 *
 *   node-helper forward <host> <port> <socket>   serve a sealed server's port on the node
 *   node-helper run                              one job read as JSON from stdin; JSON lines out:
 *                                                {"progress":…}* then {"result":…} or {"error":…}
 */
import { SocketForwarder } from '@gguf/runtime/node-side';
import { runHelperJob } from './jobs';

const [command, ...args] = process.argv.slice(2);

async function forward(host: string | undefined, port: string | undefined, socket: string | undefined): Promise<void> {
  if (!host || !port || !socket || !/^\d+$/.test(port)) throw new Error('usage: node-helper forward <host> <port> <socket>');
  const forwarder = new SocketForwarder(host);
  await forwarder.open(Number(port), socket);
  process.stdout.write(`forwarding ${host}:${port} to ${socket}\n`);
  const stop = () => void forwarder.closeAll().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

async function run(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const emit = (message: unknown) => process.stdout.write(`${JSON.stringify(message)}\n`);
  const outcome = await runHelperJob(JSON.parse(Buffer.concat(chunks).toString('utf8')), (progress) => emit({ progress }));
  emit(outcome);
  if ('error' in outcome) process.exitCode = 1;
}

const main = command === 'forward' ? forward(args[0], args[1], args[2]) : command === 'run' ? run() : Promise.reject(new Error('usage: node-helper forward|run'));
main.catch((error: unknown) => {
  process.stderr.write(`node-helper: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
