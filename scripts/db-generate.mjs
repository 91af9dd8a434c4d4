// Generates the Prisma client into packages/db/src/generated.
//
// The stock CLI insists on a native schema engine binary, which it would download; generating a
// client does not use it, so any existing path satisfies the check (see docs/operations.md).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib/ensure-deps.mjs';

const prisma = join(ROOT, 'node_modules', 'prisma', 'build', 'index.js');
const result = spawnSync(process.execPath, [prisma, 'generate'], {
  cwd: ROOT,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
});
if (result.status !== 0) process.exit(result.status ?? 1);

const schema = readFileSync(join(ROOT, 'prisma', 'schema.prisma'));
const version = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'prisma', 'package.json'), 'utf8')).version;
writeFileSync(join(ROOT, 'packages', 'db', 'src', 'generated', '.schema-hash'), createHash('sha256').update(schema).update(version).digest('hex'));
