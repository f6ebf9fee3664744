export * from './container-engine';
export * from './container-engine.module';
export * from './labels';
