export * from './config.module';
export * from './load-config';
export * from './runcell-config';
export * from './storage-settings';
