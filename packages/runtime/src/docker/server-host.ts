import { ServerDirs, type ServerUser } from '../server-dir';
import type { ServerDirJob } from '../server-dir-jobs';
import { SocketForwarder } from '../socket-forwarder';
import { RuntimeUnavailableError } from '../types';
import type { NodeHelper } from './node-helper';

/**
 * The engine's host as servers need it: a directory of their own (key file, socket) and, for
 * servers without a network, their port served on the node. A local engine's host is this
 * machine, so the worker does it itself; a remote engine's host is reached through the node helper.
 */
export interface ServerHost {
  /** Makes the server's directory with its key file in it; returns the directory (a path on the engine's host). */
  prepare(name: string, apiKey: string): Promise<string>;
  /** Serves `port` on the node by piping to the server's socket (idempotent). */
  expose(name: string, port: number): Promise<void>;
  unexpose(name: string, port: number): Promise<void>;
  remove(name: string): Promise<void>;
  purge(deploymentId: string): Promise<void>;
  /** The worker is stopping: what it serves itself stops; servers keep running. */
  close(): Promise<void>;
}

export interface ServerHostSettings {
  serversDir: string;
  serverUser: ServerUser | undefined;
  bindHost: string;
  /** `uid:gid` servers run as. */
  user: string;
}

/** Llama-server's words for a port someone else holds, so the failure is diagnosed (and the port moved) the same way wherever it happens. */
const portInUse = (host: string, port: number) => new RuntimeUnavailableError(`couldn't bind HTTP server socket, hostname: ${host}, port: ${port}`);

export class LocalServerHost implements ServerHost {
  private readonly dirs: ServerDirs;
  private readonly forwarder: SocketForwarder;

  constructor(private readonly settings: ServerHostSettings, sockets: boolean) {
    this.dirs = new ServerDirs(settings.serversDir, settings.serverUser);
    if (sockets) this.dirs.assertSocketsFit();
    this.forwarder = new SocketForwarder(settings.bindHost);
  }

  prepare(name: string, apiKey: string): Promise<string> {
    return this.dirs.prepare(name, apiKey);
  }

  async expose(name: string, port: number): Promise<void> {
    try {
      await this.forwarder.open(port, this.dirs.socket(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw portInUse(this.settings.bindHost, port);
      throw new RuntimeUnavailableError(`could not serve port ${port}: ${(error as Error).message}`);
    }
  }

  unexpose(_name: string, port: number): Promise<void> {
    return this.forwarder.close(port);
  }

  remove(name: string): Promise<void> {
    return this.dirs.remove(name);
  }

  purge(deploymentId: string): Promise<void> {
    return this.dirs.removeAll(deploymentId);
  }

  close(): Promise<void> {
    return this.forwarder.closeAll();
  }
}

export class HelperServerHost implements ServerHost {
  private readonly dirs: ServerDirs;

  constructor(
    private readonly settings: ServerHostSettings,
    private readonly helper: NodeHelper,
  ) {
    // Only for paths: the directories themselves are on the engine's host.
    this.dirs = new ServerDirs(settings.serversDir, settings.serverUser);
  }

  private job(job: ServerDirJob): Promise<unknown> {
    return this.helper.run(job);
  }

  async prepare(name: string, apiKey: string): Promise<string> {
    await this.job({ op: 'prepare-server-dir', root: this.settings.serversDir, owner: this.settings.serverUser, name, apiKey });
    return this.dirs.path(name);
  }

  expose(name: string, port: number): Promise<void> {
    return this.helper.ensureForwarder(name, this.settings.bindHost, port, this.dirs.path(name), this.settings.user);
  }

  unexpose(name: string): Promise<void> {
    return this.helper.removeForwarder(name);
  }

  async remove(name: string): Promise<void> {
    await this.job({ op: 'remove-server-dir', root: this.settings.serversDir, name });
  }

  async purge(deploymentId: string): Promise<void> {
    await this.job({ op: 'purge-server-dirs', root: this.settings.serversDir, deploymentId });
  }

  async close(): Promise<void> {
    // Forwarders are containers on the engine: they keep serving while no worker runs.
  }
}
