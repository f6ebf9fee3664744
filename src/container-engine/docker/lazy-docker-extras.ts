import Module from 'node:module';

/**
 * dockerode loads two features Runcell never uses when it is first required: BuildKit sessions
 * (gRPC and protobuf) and Docker over SSH (ssh2 with its WebAssembly crypto). Together they hold
 * about 6 MiB of an idle process. Each is put in Node's module cache as a stand-in with the same
 * exported function, which loads the real module on its first call, so both keep working if a
 * caller ever needs them. Imported before dockerode.
 */
const LAZY_MODULES = ['dockerode/lib/session', 'docker-modem/lib/ssh'];

type ModuleWithLoad = Module & { load(filename: string): void };

for (const name of LAZY_MODULES) deferModule(name);

function deferModule(name: string): void {
  const filename = require.resolve(name);
  if (require.cache[filename]) return;
  let real: ((...args: unknown[]) => unknown) | undefined;
  const standIn = new Module(filename, module);
  standIn.filename = filename;
  standIn.loaded = true;
  standIn.exports = function (this: unknown, ...args: unknown[]): unknown {
    real ??= loadReal(filename);
    return real.apply(this, args);
  };
  require.cache[filename] = standIn;
}

function loadReal(filename: string): (...args: unknown[]) => unknown {
  const loaded = new Module(filename, module) as ModuleWithLoad;
  loaded.load(filename);
  return loaded.exports as (...args: unknown[]) => unknown;
}
