import { Prisma } from '@gguf/db';

/**
 * SQL condition on `deployments d`: it should run and has fewer servers (not counting those on
 * their way out) than it wants. Such a deployment waits for capacity, whatever its status (a
 * running one may want a second server); the reconcile and a capacity kick look for it alike.
 */
export const SHORT_OF_SERVERS = Prisma.sql`(
  d.desired_state = 'running' AND d.replicas_wanted > 0 AND d.failed_generation IS DISTINCT FROM d.generation
  AND d.replicas_wanted > (SELECT count(*) FROM servers s WHERE s.deployment_id = d.id AND s.status <> 'stopping'))`;
