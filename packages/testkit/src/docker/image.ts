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

/**
 * Builds a llama-server test image without pulling anything: a root filesystem holding this
 * machine's node binary, the libraries ldd lists for it and the fake llama-server bundle,
 * imported with the Engine API's equivalent of `docker import`. Its entrypoint runs the fake; the
 * command is llama-server's arguments, exactly as for ghcr.io/ggml-org/llama.cpp:server.
 */
export async function buildFakeLlamaServerImage(daemon: TestDockerDaemon, tag: string = DEFAULT_FAKE_IMAGE): Promise<string> {
  const rootfs = join(daemon.root, 'image-rootfs');
  const tarball = join(daemon.root, 'image-rootfs.tar');
  await rm(rootfs, { recursive: true, force: true });
  const node = process.execPath;
  await mkdir(join(rootfs, 'usr/local/bin'), { recursive: true });
  await copyFile(node, join(rootfs, 'usr/local/bin/node'));
  for (const library of sharedLibraries(node)) {
    await mkdir(join(rootfs, dirname(library)), { recursive: true });
    await copyFile(library, join(rootfs, library));
  }
  await buildFakeLlamaServerBundle(join(rootfs, 'app/llama-server.cjs'));
  for (const dir of ['tmp', 'root', 'etc', 'models']) await mkdir(join(rootfs, dir), { recursive: true });
  await chmod(join(rootfs, 'tmp'), 0o1777);
  await writeFile(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/usr/local/bin/node\nnobody:x:65534:65534:nobody:/nonexistent:/usr/local/bin/node\n');
  await writeFile(join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  execFileSync('tar', ['-C', rootfs, '-cf', tarball, '.']);
  await rm(rootfs, { recursive: true, force: true });

  const [repo, version = 'latest'] = tag.split(/:(?=[^:/]+$)/);
  const changes = [`ENTRYPOINT ${JSON.stringify(FAKE_IMAGE_ENTRYPOINT)}`, 'ENV HOME=/root', 'WORKDIR /'];
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
  if (res.status !== 200 || failure) throw new Error(`docker import of ${tag} failed (${res.status}): ${failure ?? res.body.slice(0, 500)}`);
  return tag;
}
