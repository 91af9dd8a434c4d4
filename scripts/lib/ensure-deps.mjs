// Makes a fresh clone runnable: installs dependencies when node_modules is missing or older than
// the lockfile, and generates the Prisma client when the schema changed. Plain Node, no imports
// from node_modules, since it runs before they exist.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`\n${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

export function ensureDependencies() {
  const installed = join(ROOT, 'node_modules', '.package-lock.json');
  const lockfile = join(ROOT, 'package-lock.json');
  if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lockfile).mtimeMs) {
    // `npm install`, not `npm ci`: it keeps a working node_modules instead of deleting it first. The
    // lockfile names every platform's optional packages, so the install must leave it as it is. Building the
    // apps needs the dev dependencies, which npm would otherwise remove when NODE_ENV is production.
    console.log('Installing dependencies (npm install)…');
    const before = readFileSync(lockfile, 'utf8');
    run('npm', ['install', '--no-audit', '--no-fund', '--include=dev']);
    if (readFileSync(lockfile, 'utf8') !== before) lockfileChanged();
  }
  ensurePrismaClient();
}

/** An install that rewrites the committed lockfile means it is stale or incomplete: CI fails on it. */
function lockfileChanged() {
  console.error('\nnpm install changed package-lock.json: the committed lockfile is out of date (see `git diff package-lock.json`).');
  if (process.env.CI) {
    console.error('CI is set: failing. Commit the lockfile npm wrote, after checking the change is meant.');
    process.exit(1);
  }
}

/** `prisma generate` when the generated client is missing or was made from another schema. */
export function ensurePrismaClient() {
  const schema = readFileSync(join(ROOT, 'prisma', 'schema.prisma'));
  const version = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'prisma', 'package.json'), 'utf8')).version;
  const stamp = createHash('sha256').update(schema).update(version).digest('hex');
  const stampFile = join(ROOT, 'packages', 'db', 'src', 'generated', '.schema-hash');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  run(process.execPath, [join(ROOT, 'scripts', 'db-generate.mjs')]);
}
