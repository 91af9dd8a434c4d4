-- Servers: one row per running copy of a deployment. Placement, ports, GPUs and readiness move here
-- from `deployments`, which keeps the desired state and a status derived from its servers.
-- Every placed deployment becomes one server, its GPUs re-pointed to it, before the old columns go.

CREATE TYPE "server_status" AS ENUM ('placed', 'pulling', 'starting', 'ready', 'stopping');

CREATE TABLE "servers" (
    "id" TEXT NOT NULL,
    "deployment_id" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "node_id" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "status" "server_status" NOT NULL DEFAULT 'placed',
    "status_message" TEXT NOT NULL DEFAULT '',
    "runtime_handle" TEXT,
    "upstream_url" TEXT,
    "ready_at" TIMESTAMP(3),
    "restart_count" INTEGER NOT NULL DEFAULT 0,
    "last_exit_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "servers_pkey" PRIMARY KEY ("id")
);

-- A migrated server's id reuses its deployment's time-sortable body: `dep_X` → `srv_X`.
INSERT INTO "servers" ("id", "deployment_id", "generation", "node_id", "port", "status", "status_message",
                       "runtime_handle", "upstream_url", "ready_at", "restart_count", "last_exit_at", "updated_at")
SELECT 'srv_' || substring("id" from 5), "id", "generation", "node_id", "port",
       (CASE "status"
          WHEN 'scheduling' THEN 'placed'
          WHEN 'pulling' THEN 'pulling'
          WHEN 'starting' THEN 'starting'
          WHEN 'running' THEN 'ready'
          ELSE 'stopping'
        END)::"server_status",
       "status_message", "runtime_handle", "upstream_url", "ready_at", "restart_count", "last_exit_at", CURRENT_TIMESTAMP
FROM "deployments"
WHERE "node_id" IS NOT NULL AND "port" IS NOT NULL;

ALTER TABLE "gpu_allocations" ADD COLUMN "server_id" TEXT;
UPDATE "gpu_allocations" SET "server_id" = 'srv_' || substring("deployment_id" from 5);
-- GPUs booked by a deployment that had no server row (no port): released.
DELETE FROM "gpu_allocations" a WHERE NOT EXISTS (SELECT 1 FROM "servers" s WHERE s."id" = a."server_id");
ALTER TABLE "gpu_allocations" ALTER COLUMN "server_id" SET NOT NULL;

ALTER TABLE "deployments" ADD COLUMN "failed_generation" INTEGER,
ADD COLUMN "replicas_wanted" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN "target_concurrency" INTEGER;
UPDATE "deployments" SET "failed_generation" = "generation"
WHERE "status" = 'failed' AND "deploy_step" = 'g' || "generation" || ':failed';
UPDATE "deployments" SET "replicas_wanted" = 0 WHERE "status" = 'sleeping';

ALTER TABLE "deployments" DROP CONSTRAINT "deployments_node_id_fkey";
ALTER TABLE "gpu_allocations" DROP CONSTRAINT "gpu_allocations_deployment_id_fkey";
DROP INDEX "deployments_node_id_port_key";
DROP INDEX "gpu_allocations_deployment_id_idx";

ALTER TABLE "deployments" DROP COLUMN "deploy_step",
DROP COLUMN "last_exit_at",
DROP COLUMN "node_id",
DROP COLUMN "port",
DROP COLUMN "restart_count",
DROP COLUMN "runtime_handle",
DROP COLUMN "upstream_url";

ALTER TABLE "gpu_allocations" DROP COLUMN "deployment_id",
DROP COLUMN "generation";

CREATE INDEX "servers_deployment_id_idx" ON "servers"("deployment_id");
CREATE UNIQUE INDEX "servers_node_id_port_key" ON "servers"("node_id", "port");
CREATE INDEX "gpu_allocations_server_id_idx" ON "gpu_allocations"("server_id");

ALTER TABLE "gpu_allocations" ADD CONSTRAINT "gpu_allocations_server_id_fkey" FOREIGN KEY ("server_id") REFERENCES "servers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "servers" ADD CONSTRAINT "servers_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "servers" ADD CONSTRAINT "servers_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
