import { Session } from 'node:inspector/promises';

/**
 * Start-up (compiling every module, building the application) leaves garbage behind and grows
 * V8's young generation to its maximum; V8 gives both back only after some idle seconds, when
 * its memory reducer runs. One memory-reducing collection right after `listen` returns them at
 * once, so the idle process is as small as it will ever be from its first request on. An
 * in-process inspector session is the one public way to ask for that collection (it opens no
 * port); a failure only means the memory comes back later.
 */
export async function releaseStartupMemory(): Promise<void> {
  const session = new Session();
  try {
    session.connect();
    await session.post('HeapProfiler.collectGarbage');
  } catch {
    // The inspector is compiled out of this Node.js: V8 will reduce the heap on its own.
  } finally {
    session.disconnect();
  }
}
