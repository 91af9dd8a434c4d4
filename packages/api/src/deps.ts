import type { AllowedHosts, Logger, SecretBox } from '@gguf/core';
import type { Database } from '@gguf/db';
import type { createDeploymentQueue, Redis } from '@gguf/redis';

/** What every domain function needs: injected, so tests and the dashboard pass their own. */
export interface ApiDeps {
  db: Database;
  redis: Redis;
  queue: ReturnType<typeof createDeploymentQueue>;
  logger: Logger;
  /** PUBLIC_GATEWAY_URL without a trailing slash: deployments are reached at {it}/api/gguf/{id}. */
  publicGatewayUrl: string;
  /** Seals the secrets the control plane stores (SECRETS_KEY). */
  secrets: SecretBox;
  /** Non-public hosts `url` models may still name (MODEL_URL_ALLOWED_HOSTS: an internal mirror). */
  allowedModelHosts: AllowedHosts;
}

/** A Prisma transaction client, as handed to `db.$transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<Database['$transaction']>[0]>[0];
