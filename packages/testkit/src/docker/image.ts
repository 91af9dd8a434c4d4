import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { buildFakeLlamaServerBundle } from '../fake-llama-server/build';
import type { TestDockerDaemon } from './daemon';
import { engineRequest } from './engine-api';

/** Where the fake sits in the image, and how it is started: like the llama.cpp server image, llama-server's arguments are the command. */
export const FAKE_IMAGE_ENTRYPOINT = ['/usr/local/bin/node', '/app/llama-server.cjs'];
export const DEFAULT_FAKE_IMAGE = 'gguf-test/llama-server:fake';

/** The shared libraries the dynamic loader needs for `binary`, as absolute paths (ldd). */
function sharedLibraries(binary: string): string[] {
  const output = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...output.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/g)].map((m) => m[1]!);
}

/** An image holding this machine's node and a few files of the test's, imported without pulling anything. */
export interface NodeImageSpec {
  tag: string;
  /** Files to put in the image: path inside it → file on this machine. */
  files: Record<string, string>;
  entrypoint: string[];
}

/**
 * Builds a test image without pulling anything: a root filesystem holding this machine's node
 * binary, the libraries ldd lists for it and the given files, imported with the Engine API's
 * equivalent of `docker import`.
 */
export async function buildNodeImage(daemon: TestDockerDaemon, spec: NodeImageSpec): Promise<string> {
  const name = spec.tag.replace(/[^\w.-]/g, '_');
  const rootfs = join(daemon.root, `${name}-rootfs`);
  const tarball = join(daemon.root, `${name}-rootfs.tar`);
  await rm(rootfs, { recursive: true, force: true });
  const node = process.execPath;
  await mkdir(join(rootfs, 'usr/local/bin'), { recursive: true });
  await copyFile(node, join(rootfs, 'usr/local/bin/node'));
  for (const library of sharedLibraries(node)) {
    await mkdir(join(rootfs, dirname(library)), { recursive: true });
    await copyFile(library, join(rootfs, library));
  }
  for (const [inside, outside] of Object.entries(spec.files)) {
    await mkdir(join(rootfs, dirname(inside)), { recursive: true });
    await copyFile(outside, join(rootfs, inside));
  }
  for (const dir of ['tmp', 'root', 'etc', 'models']) await mkdir(join(rootfs, dir), { recursive: true });
  await chmod(join(rootfs, 'tmp'), 0o1777);
  await writeFile(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/usr/local/bin/node\nnobody:x:65534:65534:nobody:/nonexistent:/usr/local/bin/node\n');
  await writeFile(join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  execFileSync('tar', ['-C', rootfs, '-cf', tarball, '.']);
  await rm(rootfs, { recursive: true, force: true });

  const [repo, version = 'latest'] = spec.tag.split(/:(?=[^:/]+$)/);
  const changes = [`ENTRYPOINT ${JSON.stringify(spec.entrypoint)}`, 'ENV HOME=/root', 'WORKDIR /'];
  const query = new URLSearchParams({ fromSrc: '-', repo: repo!, tag: version });
  for (const change of changes) query.append('changes', change);
  const res = await engineRequest(daemon.socketPath, 'POST', `/images/create?${query}`, { file: tarball, contentType: 'application/x-tar' }, 300_000);
  await rm(tarball, { force: true });
  const failure = res.body
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      try {
        return (JSON.parse(line) as { error?: string }).error;
      } catch {
        return undefined;
      }
    })
    .find(Boolean);
  if (res.status !== 200 || failure) throw new Error(`docker import of ${spec.tag} failed (${res.status}): ${failure ?? res.body.slice(0, 500)}`);
  return spec.tag;
}

/**
 * The llama-server test image: node and the fake llama-server bundle, its entrypoint set like the
 * llama.cpp server image's, so llama-server's arguments are the command, exactly as for
 * ghcr.io/ggml-org/llama.cpp:server.
 */
export async function buildFakeLlamaServerImage(daemon: TestDockerDaemon, tag: string = DEFAULT_FAKE_IMAGE): Promise<string> {
  const bundle = await buildFakeLlamaServerBundle(join(daemon.root, 'fake-llama-server.cjs'));
  return buildNodeImage(daemon, { tag, files: { '/app/llama-server.cjs': bundle }, entrypoint: FAKE_IMAGE_ENTRYPOINT });
}
