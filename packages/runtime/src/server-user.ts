import { readFileSync } from 'node:fs';
import type { ServerUser } from './server-dir';

/** The user Debian, Ubuntu and the llama.cpp images call `nobody`. */
const NOBODY: ServerUser = { uid: 65534, gid: 65534 };

/**
 * Who servers run as. A worker running as root never hands llama-server root: it runs as
 * `SERVER_USER` (a name from /etc/passwd, or `uid[:gid]`; `nobody` by default). A worker that is not
 * root cannot switch users, so its servers run as the worker's own user: undefined here.
 */
export function resolveServerUser(spec: string | undefined, passwd = '/etc/passwd'): ServerUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const wanted = spec ?? 'nobody';
  const numeric = /^(\d+)(?::(\d+))?$/.exec(wanted);
  if (numeric) {
    const uid = Number(numeric[1]);
    return refuseRoot({ uid, gid: numeric[2] === undefined ? uid : Number(numeric[2]) }, wanted);
  }
  let text = '';
  try {
    text = readFileSync(passwd, 'utf8');
  } catch {
    // No passwd file (a minimal image): only the well-known nobody can be named.
  }
  for (const line of text.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === wanted && uid !== undefined && gid !== undefined) return refuseRoot({ uid: Number(uid), gid: Number(gid) }, wanted);
  }
  if (wanted === 'nobody') return NOBODY;
  throw new Error(`SERVER_USER=${wanted}: no such user in ${passwd}`);
}

function refuseRoot(user: ServerUser, spec: string): ServerUser {
  if (user.uid === 0 || user.gid === 0) throw new Error(`SERVER_USER=${spec} is root: servers must run as an unprivileged user`);
  return user;
}
