import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../lib/ensure-deps.mjs';

interface LockEntry {
  version?: string;
  optionalDependencies?: Record<string, string>;
}

/**
 * Optional packages deliberately left out: tailwind's WebAssembly fallback has no os or cpu field, so a
 * lockfile naming it would install it (and its bundled WASI runtime) on every platform.
 */
const LEFT_OUT = new Set(['@tailwindcss/oxide-wasm32-wasi']);

/** Where Node would find `name` from the package at `from` (a lockfile key), walking up node_modules. */
function resolves(packages: Record<string, LockEntry>, from: string, name: string): boolean {
  let base = from;
  for (;;) {
    if (packages[`${base ? `${base}/` : ''}node_modules/${name}`]) return true;
    if (base === '') return false;
    const at = base.lastIndexOf('/node_modules/');
    base = at < 0 ? '' : base.slice(0, at);
  }
}

describe('package-lock.json', () => {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };

  it('names every platform build of every native package (turbo, next, tailwind, msgpackr), so npm ci works and an install on any machine leaves it unchanged', () => {
    const missing = Object.entries(lock.packages).flatMap(([key, entry]) =>
      Object.keys(entry.optionalDependencies ?? {})
        .filter((name) => !LEFT_OUT.has(name) && !resolves(lock.packages, key, name))
        .map((name) => `${key || '(root)'} → ${name}`),
    );
    expect(missing).toEqual([]);
    expect(Object.keys(lock.packages).filter((key) => key.startsWith('node_modules/@turbo/'))).toEqual(
      expect.arrayContaining(['darwin-64', 'darwin-arm64', 'linux-64', 'linux-arm64', 'windows-64', 'windows-arm64'].map((p) => `node_modules/@turbo/${p}`)),
    );
  });

  it('has an entry for every workspace, which the Dockerfile copies before npm ci', () => {
    const dockerfile = readFileSync(join(ROOT, 'docker/Dockerfile'), 'utf8');
    const workspaces = Object.keys(lock.packages).filter((key) => /^(apps|packages)\/[^/]+$/.test(key));
    expect(workspaces.length).toBeGreaterThan(5);
    for (const workspace of workspaces) expect(dockerfile).toContain(`COPY ${workspace}/package.json ${workspace}/`);
  });
});
