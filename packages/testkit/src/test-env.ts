/** Environment variables the global setup hands to test files (they run in other processes). */
export const TEST_ENV = {
  postgresAdminUrl: 'GGUF_TEST_POSTGRES_ADMIN_URL',
  templateDatabase: 'GGUF_TEST_TEMPLATE_DATABASE',
  redisUrl: 'GGUF_TEST_REDIS_URL',
} as const;

export function testEnv(name: keyof typeof TEST_ENV): string {
  const value = process.env[TEST_ENV[name]];
  if (!value) throw new Error(`${TEST_ENV[name]} is not set: run tests through vitest with the root config (npm test)`);
  return value;
}
