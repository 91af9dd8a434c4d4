export * from './channels';
export * from './connection';
