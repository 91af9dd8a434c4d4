-- AlterEnum
ALTER TYPE "deployment_status" ADD VALUE 'sleeping';

-- AlterTable
ALTER TABLE "deployments" ADD COLUMN     "replicas_max" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "replicas_min" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "scale_down_after_s" INTEGER NOT NULL DEFAULT 900,
ADD COLUMN     "wake_timeout_s" INTEGER NOT NULL DEFAULT 600;
