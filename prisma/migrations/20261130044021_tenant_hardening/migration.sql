-- AlterEnum
ALTER TYPE "network_mode" ADD VALUE 'none';

-- DropForeignKey
ALTER TABLE "usage_hourly" DROP CONSTRAINT "usage_hourly_api_key_id_fkey";

-- AlterTable
ALTER TABLE "deployments" ADD COLUMN     "model_bytes" BIGINT,
ADD COLUMN     "model_sha256" TEXT,
ADD COLUMN     "pull_bytes" BIGINT,
ADD COLUMN     "pull_total_bytes" BIGINT;

-- AlterTable
ALTER TABLE "nodes" ADD COLUMN     "cpu_cores" INTEGER,
ADD COLUMN     "library" JSONB,
ALTER COLUMN "docker_tls" SET DATA TYPE TEXT;

-- AlterTable
ALTER TABLE "organizations" ADD COLUMN     "hf_token_secret" TEXT,
ADD COLUMN     "max_api_keys" INTEGER NOT NULL DEFAULT 100,
ADD COLUMN     "platform_hf_token" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "usage_hourly" DROP CONSTRAINT "usage_hourly_pkey",
ADD COLUMN     "id" BIGSERIAL NOT NULL,
ALTER COLUMN "api_key_id" DROP NOT NULL,
ADD CONSTRAINT "usage_hourly_pkey" PRIMARY KEY ("id");

-- CreateTable
CREATE TABLE "sessions" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "revoked_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");

-- CreateIndex
CREATE INDEX "sessions_expires_at_idx" ON "sessions"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "usage_hourly_api_key_id_deployment_id_hour_key" ON "usage_hourly"("api_key_id", "deployment_id", "hour");

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "usage_hourly" ADD CONSTRAINT "usage_hourly_api_key_id_fkey" FOREIGN KEY ("api_key_id") REFERENCES "api_keys"("id") ON DELETE SET NULL ON UPDATE CASCADE;
