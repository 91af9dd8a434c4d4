import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { chmod, chown, copyFile, cp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { engineRequest, type TestDockerDaemon } from '@gguf/testkit/docker';

/** The base every stage of docker/Dockerfile starts from; CI tags its stand-in with this name. */
export const BASE_IMAGE = 'node:20-bookworm-slim';
/** The node user of the official image, which the apps run as. */
export const NODE_UID = 1000;

/** The shared libraries the dynamic loader needs for `binary` (ldd), as absolute paths. */
function sharedLibraries(binary: string): string[] {
  const output = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...output.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/g)].map((m) => m[1]!);
}

async function copyInto(rootfs: string, file: string, inside = file): Promise<void> {
  await mkdir(join(rootfs, dirname(inside)), { recursive: true });
  await copyFile(file, join(rootfs, inside));
}

/** npm's own directory on this machine (npm-cli.js's package), wherever the distribution put it. */
function npmDirectory(): string {
  const npm = execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();
  return join(dirname(realpathSync(npm)), '..');
}

/**
 * A stand-in for node:20-bookworm-slim, since no image registry is reachable: this machine's node
 * and npm at the official image's paths, their libraries, the CA bundle, /usr/bin/ldd (npm and
 * detect-libc read it to tell glibc from musl when choosing native packages such as lightningcss),
 * Debian's static busybox as /bin/sh and the usual commands, and the node user (uid 1000). Imported
 * with the Engine API's `docker import`, tagged with the name the Dockerfile uses.
 */
export async function importBaseImage(daemon: TestDockerDaemon): Promise<string> {
  const busybox = '/bin/busybox';
  if (!existsSync(busybox)) throw new Error('/bin/busybox is missing: install Debian\'s busybox-static (apt-get install busybox-static; .ci/run does)');
  const rootfs = join(daemon.root, 'base-rootfs');
  const tarball = join(daemon.root, 'base-rootfs.tar');
  await rm(rootfs, { recursive: true, force: true });

  await copyInto(rootfs, process.execPath, '/usr/local/bin/node');
  const libraries = sharedLibraries(process.execPath);
  // The rest of libc6 that native packages link (lightningcss and tailwind's oxide need librt).
  const libc = libraries.find((library) => library.endsWith('/libc.so.6'));
  if (libc) libraries.push(...['librt.so.1', 'libresolv.so.2'].map((name) => join(dirname(libc), name)).filter((path) => existsSync(path)));
  for (const library of libraries) await copyInto(rootfs, library);
  await cp(npmDirectory(), join(rootfs, 'usr/local/lib/node_modules/npm'), { recursive: true, dereference: true });
  await symlink('../lib/node_modules/npm/bin/npm-cli.js', join(rootfs, 'usr/local/bin/npm'));
  await symlink('../lib/node_modules/npm/bin/npx-cli.js', join(rootfs, 'usr/local/bin/npx'));
  await copyInto(rootfs, '/etc/ssl/certs/ca-certificates.crt');
  await copyInto(rootfs, '/usr/bin/ldd');

  await copyInto(rootfs, busybox, '/bin/busybox');
  const applets = execFileSync(busybox, ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const applet of applets) {
    const path = join(rootfs, applet);
    if (existsSync(path)) continue;
    await mkdir(dirname(path), { recursive: true });
    await symlink('/bin/busybox', path);
  }

  await writeFile(
    join(rootfs, 'etc/passwd'),
    ['root:x:0:0:root:/root:/bin/sh', `node:x:${NODE_UID}:${NODE_UID}::/home/node:/bin/sh`, 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin', ''].join('\n'),
  );
  await writeFile(join(rootfs, 'etc/group'), ['root:x:0:', `node:x:${NODE_UID}:`, 'nogroup:x:65534:', ''].join('\n'));
  for (const dir of ['tmp', 'root', 'home/node', 'run', 'var/tmp']) await mkdir(join(rootfs, dir), { recursive: true });
  await chmod(join(rootfs, 'tmp'), 0o1777);
  await chown(join(rootfs, 'home/node'), NODE_UID, NODE_UID);
  execFileSync('tar', ['--numeric-owner', '-C', rootfs, '-cf', tarball, '.']);
  await rm(rootfs, { recursive: true, force: true });

  const [repo, tag] = BASE_IMAGE.split(':') as [string, string];
  const query = new URLSearchParams({ fromSrc: '-', repo, tag });
  for (const change of ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `ENV NODE_VERSION=${process.versions.node}`, 'CMD ["node"]']) {
    query.append('changes', change);
  }
  const res = await engineRequest(daemon.socketPath, 'POST', `/images/create?${query}`, { file: tarball, contentType: 'application/x-tar' }, 300_000);
  await rm(tarball, { force: true });
  if (res.status !== 200 || res.body.includes('"error"')) throw new Error(`docker import of the ${BASE_IMAGE} stand-in failed (${res.status}): ${res.body.slice(0, 500)}`);
  return BASE_IMAGE;
}
