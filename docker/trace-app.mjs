// Copies what an app's bundles load at run time into <out>, at the same paths under it: the bundles,
// the package.json files that say how to load them, and the node_modules files they reach. Traced with
// @vercel/nft, the tracer Next.js uses for its standalone output (its compiled copy ships with next).
// usage: node docker/trace-app.mjs <out> <bundle.js>...   (run from the workspace root)
import { chmodSync, copyFileSync, lstatSync, mkdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const [out, ...entries] = process.argv.slice(2);
if (!out || entries.length === 0) {
  console.error('usage: trace-app.mjs <out> <bundle.js>...');
  process.exit(64);
}
const { nodeFileTrace } = createRequire(import.meta.url)('next/dist/compiled/@vercel/nft');
const { fileList } = await nodeFileTrace(entries, { base: process.cwd() });

let bytes = 0;
for (const file of [...fileList].sort()) {
  const target = join(out, file);
  mkdirSync(dirname(target), { recursive: true });
  const stat = lstatSync(file);
  if (stat.isSymbolicLink()) {
    symlinkSync(readlinkSync(file), target);
  } else if (stat.isFile()) {
    copyFileSync(file, target);
    chmodSync(target, stat.mode & 0o777);
    bytes += stat.size;
  }
}
console.log(`traced ${fileList.size} files (${(bytes / 1e6).toFixed(1)} MB) for ${entries.join(', ')}`);
