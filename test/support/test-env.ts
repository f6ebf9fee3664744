import { randomBytes } from 'node:crypto';

// Defaults for running Jest directly; `npm test` sets the same values explicitly.
process.env.NODE_ENV ??= 'test';
process.env.DATABASE_URL ??= 'postgres://runcell_test:runcell_test@127.0.0.1:5432/runcell_ci';
process.env.REDIS_URL ??= 'redis://127.0.0.1:6379/1';
process.env.RUNCELL_INSTANCE_ID ??= `test-${randomBytes(4).toString('hex')}`;
// Suites that test the warm pool turn it on themselves; the others keep no warm containers.
process.env.SANDBOX_POOL_SIZE ??= '0';
