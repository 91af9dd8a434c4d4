/**
 * What runs on the node itself, with nothing but the file system and the network: the servers'
 * directories and the socket forwarder. The worker uses it directly for a local engine; the node
 * helper (the worker's image run on a remote engine) uses it there. No dockerode here, so the
 * helper stays small.
 */
export * from './server-dir';
export * from './server-user';
export * from './socket-forwarder';
export * from './server-dir-jobs';
export * from './helper-protocol';
