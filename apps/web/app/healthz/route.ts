import { checkHealth } from '@gguf/core';
import { pingDatabase } from '@gguf/db';
import { pingRedis } from '@gguf/redis';
import { serverContext } from '../../lib/server/context';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  const { db, redis } = serverContext();
  const report = await checkHealth({ postgres: () => pingDatabase(db), redis: () => pingRedis(redis) });
  return Response.json({ app: 'web', ...report }, { status: report.status === 'ok' ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}
