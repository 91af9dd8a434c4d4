import { Prisma } from '@gguf/db';

/**
 * SQL condition on `deployments d`: it should run and has fewer servers than it wants, not counting
 * those on their way out or on a draining node (as cluster-decision.ts counts them). Such a
 * deployment waits for capacity, whatever its status (a running one may want a second server); the
 * reconcile and a capacity kick look for it alike.
 */
export const SHORT_OF_SERVERS = Prisma.sql`(
  d.desired_state = 'running' AND d.replicas_wanted > 0 AND d.failed_generation IS DISTINCT FROM d.generation
  AND d.replicas_wanted > (
    SELECT count(*) FROM servers s JOIN nodes n ON n.id = s.node_id
    WHERE s.deployment_id = d.id AND s.status <> 'stopping' AND n.draining_at IS NULL))`;
