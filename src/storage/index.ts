export * from './storage-driver';
export * from './storage.factory';
export * from './storage.health';
export * from './storage.module';
export * from './storage-path';
