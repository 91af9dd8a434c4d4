import type { Server } from 'node:http';

const IPV4_LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** 127.0.0.0/8 (also IPv4-mapped), ::1 and the name localhost: reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const address = host.toLowerCase();
  if (address === 'localhost' || address === '::1' || address === '0:0:0:0:0:0:0:1') return true;
  return IPV4_LOOPBACK.test(address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address);
}

/** Whether a listening server can be reached only from this machine: bound to loopback or to a Unix socket. */
export function listensOnLoopbackOnly(server: Server): boolean {
  const address = server.address();
  if (address === null) return false;
  return typeof address === 'string' || isLoopbackHost(address.address);
}
