export * from './client';
export * from './connect';
export * from './generated/client';
