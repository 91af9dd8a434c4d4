export * from './binaries';
export * from './child';
export * from './free-port';
export * from './postgres';
export * from './redis';
