import { spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createDatabase } from '@gguf/db';
import { applyMigrations, describeReports, rotateStoredSecrets, sealPlaintextSecrets, seedPlatformAdmin } from '@gguf/db/migrate';
import { parseEnv, EnvError, SecretBox } from '@gguf/core';
import { appSpecs } from './apps';
import { dataDirOf, publicUrls, startEnv } from './config';
import { startInfrastructure } from './infrastructure';
import { loadOrCreateSecrets } from './secrets';
import { SupervisedApp } from './supervisor';
import { ROOT } from '../lib/ensure-deps.mjs';

const say = (line = '') => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const env = parseEnv('npm start', startEnv);
  const dataDir = dataDirOf(env, ROOT);
  const urls = publicUrls(env);
  // 0755: when run as root, PostgreSQL runs as the postgres user and must reach its own directory below.
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  const { secrets, created } = await loadOrCreateSecrets(dataDir);

  const infra = await startInfrastructure(env, dataDir, secrets);
  const apps: SupervisedApp[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('\nStopping…');
    await Promise.allSettled(apps.map((app) => app.stop()));
    await infra.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    const applied = await applyMigrations(infra.databaseUrl);
    say(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database schema is up to date.');
    const adminPassword = env.ADMIN_PASSWORD ?? secrets.adminPassword;
    const db = createDatabase(infra.databaseUrl, { poolSize: 1 });
    const admin = await seedPlatformAdmin(db, env.ADMIN_EMAIL, adminPassword, env.ADMIN_PASSWORD !== undefined);
    // Secrets left in plain text by an older version are sealed; with SECRETS_KEY_PREVIOUS set, everything is re-wrapped.
    const secretsKey = env.SECRETS_KEY ?? secrets.secretsKey;
    const box = new SecretBox({ current: secretsKey, previous: env.SECRETS_KEY_PREVIOUS });
    const stored = await (env.SECRETS_KEY_PREVIOUS ? rotateStoredSecrets(db, box) : sealPlaintextSecrets(db, box));
    await db.$disconnect();
    for (const line of describeReports(stored)) say(`Stored secrets: ${line}`);
    for (const failure of stored.flatMap((r) => r.failed)) say(`  ${failure.reason}`);

    build();

    const appEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: infra.databaseUrl,
      REDIS_URL: infra.redisUrl,
      ADMIN_TOKEN: env.ADMIN_TOKEN ?? secrets.adminToken,
      AUTH_SECRET: env.AUTH_SECRET ?? secrets.authSecret,
      SECRETS_KEY: secretsKey,
      NEXTAUTH_SECRET: env.AUTH_SECRET ?? secrets.authSecret,
      PUBLIC_GATEWAY_URL: urls.gateway,
      PUBLIC_WEB_URL: urls.web,
      NEXTAUTH_URL: urls.web,
      WEB_PORT: String(env.WEB_PORT),
      GATEWAY_PORT: String(env.GATEWAY_PORT),
      WORKER_PORT: String(env.WORKER_PORT),
      HOST: env.HOST,
      DATA_DIR: dataDir,
      // A single-machine trial: Docker when an engine answers, else plain processes (the worker and the admin's node page say they do not isolate tenants).
      RUNTIME: process.env.RUNTIME ?? 'auto',
    };
    // An app that crashes is restarted with backoff (see supervisor.ts); only one that cannot run as configured stops everything.
    const hooks = { say, onFatal: () => void stopAll(1) };
    for (const spec of appSpecs(ROOT, { web: env.WEB_PORT, gateway: env.GATEWAY_PORT, worker: env.WORKER_PORT }, env.HOST)) apps.push(new SupervisedApp(spec, appEnv, hooks));
    await Promise.all(apps.map((app) => app.waitHealthy()));

    say('');
    say('GGUF Cloud is running.');
    say(`  Dashboard and REST API  http://localhost:${env.WEB_PORT}`);
    say(`  LLM endpoint (SDK base) ${urls.gateway}/api/llm   (model picks the deployment; OpenAI: …/api/llm/v1)`);
    say(`  One deployment          ${urls.gateway}/api/gguf/{deployment_id}`);
    say(`  Worker health           http://localhost:${env.WORKER_PORT}/healthz`);
    say(`  PostgreSQL              ${infra.describe.postgres}`);
    say(`  Redis                   ${infra.describe.redis}`);
    say(`  Admin sign-in           ${admin.email}`);
    if (created && !env.ADMIN_PASSWORD) say(`  Admin password          ${adminPassword}   (generated; shown once, also in ${join(dataDir, 'secrets.json')})`);
    if (!env.ADMIN_TOKEN) say(`  ADMIN_TOKEN             ${created ? secrets.adminToken : `(generated earlier; in ${join(dataDir, 'secrets.json')})`}`);
    // The web app reads SIGNUP_MODE itself (default invite); this only says what it means for the first sign-in.
    if (process.env.SIGNUP_MODE === 'open') say('  Sign-up                 open: anyone who reaches the dashboard can create an account and organization');
    else say('  Sign-up                 by invitation: sign in as the admin, then invite people (Members) or create users (Admin: users)');
    say('Press Ctrl-C to stop.');
  } catch (error) {
    say(`\nnpm start failed: ${(error as Error).message}`);
    await stopAll(1);
  }
}

function build(): void {
  say('Building web, gateway and worker (cached when unchanged)…');
  const turbo = join(ROOT, 'node_modules', 'turbo', 'bin', 'turbo');
  const result = spawnSync(process.execPath, [turbo, 'run', 'build', '--filter=@gguf/web', '--filter=@gguf/gateway', '--filter=@gguf/worker', '--output-logs=errors-only'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1', NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) throw new Error('the build failed (see above)');
}

main().catch((error: unknown) => {
  say(error instanceof EnvError ? error.message : `npm start failed: ${(error as Error).message}`);
  process.exit(error instanceof EnvError ? 78 : 1);
});
