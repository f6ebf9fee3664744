export * from './decorators/public.decorator';
export * from './decorators/executor-auth.decorator';
export * from './errors';
export * from './http/all-exceptions.filter';
export * from './http/request-id';
export * from './validation/validation.pipe';
