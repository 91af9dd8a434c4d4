// npm start: the whole product on embedded defaults. Installs dependencies on a fresh clone, then
// hands over to the TypeScript orchestrator (scripts/start/main.ts).
import { ensureDependencies } from './lib/ensure-deps.mjs';

ensureDependencies();
const { register } = await import('tsx/esm/api');
register();
await import('./start/main.ts');
