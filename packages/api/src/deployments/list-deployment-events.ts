import type { z } from 'zod';
import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { type Page, toPage } from '../shared/pagination';
import { findDeployment } from './find-deployment';
import type { deploymentEvent, eventsQuery } from './schemas';

type EventObject = z.infer<typeof deploymentEvent>;

/** The deployment's timeline, newest first. */
export async function listDeploymentEvents(deps: ApiDeps, scope: OrgScope, id: string, query: z.infer<typeof eventsQuery>): Promise<Page<EventObject>> {
  await findDeployment(deps.db, scope.orgId, id);
  const rows = await deps.db.deploymentEvent.findMany({
    where: { deploymentId: id, ...(query.cursor ? { id: { lt: BigInt(query.cursor) } } : {}) },
    orderBy: { id: 'desc' },
    take: query.limit + 1,
  });
  return toPage(
    rows,
    query.limit,
    (row) => row.id.toString(),
    (row) => ({
      id: row.id.toString(),
      type: row.type,
      from_status: row.fromStatus,
      to_status: row.toStatus,
      message: row.message,
      data: row.data ?? null,
      created_at: row.createdAt.toISOString(),
    }),
  );
}
