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
    // `npm install`, not `npm ci`: the registry mirror this project is built against lacks some
    // other platforms' optional packages (turbo's), which `npm ci` insists on finding in the lockfile.
    console.log('Installing dependencies (npm install)…');
    run('npm', ['install', '--no-audit', '--no-fund']);
  }
  ensurePrismaClient();
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
