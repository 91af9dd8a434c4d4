import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretsEnv } from '@gguf/core';
import { gatewayEnv } from '../../apps/gateway/src/env';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webEnv } from '../../apps/web/lib/server/env';
import { workerEnv } from '../../apps/worker/src/env';
import { ROOT } from '../lib/ensure-deps.mjs';

interface Service {
  build?: { target: string };
  image: string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  restart?: string;
  user?: string;
  group_add?: string[];
  volumes?: string[];
}

/** Every variable each app's env schema reads (the migration reads DATABASE_URL and the secrets key). */
const SCHEMAS: Record<string, string[]> = {
  migrate: ['DATABASE_URL', ...Object.keys(secretsEnv.shape)],
  web: Object.keys(webEnv.shape),
  gateway: Object.keys(gatewayEnv.shape),
  worker: Object.keys(workerEnv.shape),
};

let dir: string;
let services: Record<string, Service>;

/**
 * docker/compose.yml as Debian's docker-compose (1.29) resolves it with docker/.env.example filled in:
 * `config` validates the file, and Python's yaml (a dependency of docker-compose) turns its output into JSON.
 */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gguf-compose-'));
  const example = readFileSync(join(ROOT, 'docker/.env.example'), 'utf8');
  const filled = example.replace(/^([A-Z_]+)=$/gm, (_line, name: string) => `${name}=${name === 'DOCKER_GID' ? '999' : `filled-${name.toLowerCase()}`}`);
  await writeFile(join(dir, '.env'), filled);
  const config = execFileSync('docker-compose', ['-f', join(ROOT, 'docker/compose.yml'), '--env-file', join(dir, '.env'), 'config'], { encoding: 'utf8' });
  const json = execFileSync('python3', ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], { input: config, encoding: 'utf8' });
  services = (JSON.parse(json) as { services: Record<string, Service> }).services;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('docker/compose.yml', () => {
  it('builds every app from a target of docker/Dockerfile', () => {
    const targets = [...readFileSync(join(ROOT, 'docker/Dockerfile'), 'utf8').matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]);
    for (const app of ['migrate', 'web', 'gateway', 'worker']) {
      expect(services[app]?.build?.target).toBe(app);
      expect(targets).toContain(app);
      expect(services[app]?.image).toBe(`gguf-cloud-${app}:latest`);
    }
  });

  it('gives each app only variables its env schema reads, SECRETS_KEY included', () => {
    for (const [app, known] of Object.entries(SCHEMAS)) {
      const names = Object.keys(services[app]?.environment ?? {});
      expect(names.filter((name) => !known.includes(name)), app).toEqual([]);
      expect(names, app).toContain('SECRETS_KEY');
      expect(names, app).toContain('DATABASE_URL');
    }
  });

  it('keeps the long-running apps up with a health check on their /healthz', () => {
    const ports = { web: 3000, gateway: 3001, worker: 3002 };
    for (const [app, port] of Object.entries(ports)) {
      expect(services[app]?.restart, app).toBe('unless-stopped');
      expect(services[app]?.healthcheck?.test.join(' '), app).toContain(`http://127.0.0.1:${port}/healthz`);
    }
  });

  it('runs the worker as the image user with the Docker socket group, not root, and its store at the same path inside and out', () => {
    const worker = services.worker!;
    expect(worker.user).toBeUndefined();
    expect(worker.group_add).toEqual(['999']);
    expect(worker.volumes).toEqual(expect.arrayContaining(['/var/run/docker.sock:/var/run/docker.sock:rw', '/var/lib/gguf-cloud:/var/lib/gguf-cloud:rw']));
    expect(worker.environment).toMatchObject({ MODELS_DIR: '/var/lib/gguf-cloud/models', WORKER_STATE_DIR: '/var/lib/gguf-cloud/worker' });
  });
});
