import { chmod, chown, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deploymentPrefix } from './types';

/** What a server's own directory holds. */
export const SERVER_FILES = {
  /** The key llama-server demands (`--api-key-file`): readable by the server's user only. */
  apiKey: 'api-key',
  /** llama-server's Unix socket in network mode none. */
  socket: 'llama.sock',
} as const;

/** The unprivileged user servers run as. */
export interface ServerUser {
  uid: number;
  gid: number;
}

/** Linux limits a Unix socket's path to 107 bytes; the longest name a server directory gets is that of its server. */
const SOCKET_PATH_MAX = 107;
// Generations count settings changes and restarts of one deployment: a million is beyond any real one.
const LONGEST_SERVER_NAME = 'gguf-01m8ncevg3yb4gq6acvk0548fk-0548fk-g999999'.length;

/**
 * One directory per server under `root` (a path on the node): the server's working directory,
 * its key file and, in network mode none, its socket. Made by the worker and handed to the
 * server's user (mode 0700), so no other server, which runs as the same user only in containers of
 * its own, can see into it; the worker, as root or as that user, can still connect to the socket.
 */
export class ServerDirs {
  constructor(
    readonly root: string,
    private readonly owner: ServerUser | undefined,
  ) {}

  /** For servers that listen on Unix sockets here: refuses a root whose sockets' paths would be too long, at start rather than at the first deploy. */
  assertSocketsFit(): void {
    const longest = join(this.root, 'x'.repeat(LONGEST_SERVER_NAME), SERVER_FILES.socket).length;
    if (longest > SOCKET_PATH_MAX) {
      throw new Error(`${this.root} is too long for the servers' Unix sockets (${longest} > ${SOCKET_PATH_MAX} bytes): choose a shorter WORKER_STATE_DIR`);
    }
  }

  path(name: string): string {
    return join(this.root, name);
  }

  socket(name: string): string {
    return join(this.path(name), SERVER_FILES.socket);
  }

  apiKeyFile(name: string): string {
    return join(this.path(name), SERVER_FILES.apiKey);
  }

  /** Creates (or refreshes) the directory with the key file in it; returns the directory. */
  async prepare(name: string, apiKey: string): Promise<string> {
    const dir = this.path(name);
    await mkdir(this.root, { recursive: true, mode: 0o711 });
    await chmod(this.root, 0o711);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // llama-server does not replace a socket file left by an earlier start of this server: it would fail to bind.
    await rm(this.socket(name), { force: true });
    const temp = `${this.apiKeyFile(name)}.${process.pid}.tmp`;
    await writeFile(temp, apiKey, { mode: 0o400 });
    if (this.owner) {
      await chown(temp, this.owner.uid, this.owner.gid);
      await chown(dir, this.owner.uid, this.owner.gid);
    }
    await rename(temp, this.apiKeyFile(name));
    return dir;
  }

  async remove(name: string): Promise<void> {
    await rm(this.path(name), { recursive: true, force: true });
  }

  /** Every directory of a deployment's servers, whatever their generation. */
  async removeAll(deploymentId: string): Promise<void> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    const prefix = deploymentPrefix(deploymentId);
    await Promise.all(names.filter((name) => name.startsWith(prefix)).map((name) => this.remove(name)));
  }
}
