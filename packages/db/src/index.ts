export * from './client';
export * from './connect';
export * from './generated/client';
export * from './hf-token-for-organization';
