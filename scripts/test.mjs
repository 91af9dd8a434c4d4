// npm test: installs what a fresh clone lacks, then runs every workspace's tests in one Vitest run.
// The run provisions its own PostgreSQL and Redis (packages/testkit/src/global-setup.ts).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureDependencies, ROOT } from './lib/ensure-deps.mjs';

ensureDependencies();
const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const result = spawnSync(process.execPath, [vitest, 'run', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
process.exit(result.status ?? 1);
