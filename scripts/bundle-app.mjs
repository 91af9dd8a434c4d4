// Bundles a Node app (gateway, worker) into one ES module: the workspace's own TypeScript packages
// are compiled in, everything from node_modules stays an ordinary import.
// usage: node scripts/bundle-app.mjs <entry.ts> <out.js>   (run from the app's directory)
import { build } from 'esbuild';

const [entry, outfile] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error('usage: bundle-app.mjs <entry.ts> <out.js>');
  process.exit(64);
}

const externalDependencies = {
  name: 'external-dependencies',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@gguf/') ? undefined : { path: args.path, external: true }));
  },
};

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [externalDependencies],
});
