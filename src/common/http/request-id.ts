import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Fastify's `genReqId`: echoes a sane client id, otherwise makes one. It is also stored on the
 * raw request so its log lines carry the same id.
 */
export function generateRequestId(raw: IncomingMessage): string {
  const sent = raw.headers[REQUEST_ID_HEADER];
  const id = typeof sent === 'string' && SANE_REQUEST_ID.test(sent) ? sent : randomUUID();
  (raw as IncomingMessage & { id?: string }).id = id;
  return id;
}
