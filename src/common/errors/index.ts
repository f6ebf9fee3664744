export * from './app-error';
export * from './error-body';
export * from './error-code';
export * from './describe-error';
