import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const PROBE_INTERVAL_MS = 20;
const MAX_CONNECT_TIMEOUT_MS = 10_000;

/** One TCP connect attempt; true when the port accepted it. */
export function probePort(address: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const done = (open: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(open);
    };
    const timer = setTimeout(() => done(false), Math.max(timeoutMs, 1));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Polls the port every few tens of milliseconds until it opens (true) or `deadline` passes. */
export async function waitForPort(
  address: string,
  port: number,
  deadline: number,
): Promise<boolean> {
  while (Date.now() < deadline) {
    const remaining = deadline - Date.now();
    if (await probePort(address, port, Math.min(remaining, MAX_CONNECT_TIMEOUT_MS))) return true;
    await sleep(Math.min(PROBE_INTERVAL_MS, Math.max(deadline - Date.now(), 0)));
  }
  return false;
}
