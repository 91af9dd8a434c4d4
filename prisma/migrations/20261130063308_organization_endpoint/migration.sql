-- A key's deployment scope becomes part of its allowed models (deployment ids are allowed entries).
ALTER TABLE "api_keys" ADD COLUMN     "allowed_models" TEXT[] DEFAULT ARRAY[]::TEXT[];
UPDATE "api_keys" k SET "allowed_models" = s.ids
  FROM (SELECT "api_key_id", array_agg("deployment_id" ORDER BY "deployment_id") AS ids FROM "api_key_deployments" GROUP BY "api_key_id") s
 WHERE s."api_key_id" = k."id";

-- DropForeignKey
ALTER TABLE "api_key_deployments" DROP CONSTRAINT "api_key_deployments_api_key_id_fkey";

-- DropForeignKey
ALTER TABLE "api_key_deployments" DROP CONSTRAINT "api_key_deployments_deployment_id_fkey";

-- DropIndex
DROP INDEX "usage_hourly_api_key_id_deployment_id_hour_key";

-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "max_concurrent_streams" INTEGER,
ADD COLUMN     "rate_limit_rpm" INTEGER,
ADD COLUMN     "token_budget" BIGINT;

-- AlterTable: every deployment gets a model name, the slug of its name (as @gguf/core's modelNameSlug makes it),
-- made unique within its organization with a -2, -3… suffix.
ALTER TABLE "deployments" ADD COLUMN     "model_aliases" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "model_name" TEXT;
UPDATE "deployments" SET "model_name" = COALESCE(NULLIF(left(trim(both '-' from regexp_replace(lower("name"), '[^a-z0-9._/-]+', '-', 'g')), 90), ''), 'model');
WITH ranked AS (
  SELECT "id", row_number() OVER (PARTITION BY "org_id", "model_name" ORDER BY "created_at", "id") AS n FROM "deployments"
)
UPDATE "deployments" d SET "model_name" = d."model_name" || '-' || ranked.n FROM ranked WHERE ranked."id" = d."id" AND ranked.n > 1;
ALTER TABLE "deployments" ALTER COLUMN "model_name" SET NOT NULL;

-- AlterTable
ALTER TABLE "organizations" ADD COLUMN     "default_deployment_id" TEXT;

-- AlterTable: nodes are sealed unless said otherwise. (Not in the migration that added the value: PostgreSQL
-- refuses a new enum value in the transaction that adds it, and a migration may run as one.)
ALTER TABLE "nodes" ALTER COLUMN "network_mode" SET DEFAULT 'none';

-- AlterTable
ALTER TABLE "usage_hourly" ADD COLUMN     "model_name" TEXT NOT NULL DEFAULT '';

-- DropTable
DROP TABLE "api_key_deployments";

-- CreateIndex
CREATE INDEX "deployments_org_id_model_name_idx" ON "deployments"("org_id", "model_name");

-- CreateIndex
CREATE INDEX "usage_hourly_api_key_id_hour_idx" ON "usage_hourly"("api_key_id", "hour");

-- CreateIndex
CREATE UNIQUE INDEX "usage_hourly_api_key_id_deployment_id_model_name_hour_key" ON "usage_hourly"("api_key_id", "deployment_id", "model_name", "hour");

-- AddForeignKey
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_default_deployment_id_fkey" FOREIGN KEY ("default_deployment_id") REFERENCES "deployments"("id") ON DELETE SET NULL ON UPDATE CASCADE;
