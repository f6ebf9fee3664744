import '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { FORM_LIMITS, FormBuilder, FormMap } from './php-form';

/**
 * Reads a whole `multipart/form-data` request through `@fastify/multipart`. Every part is taken
 * as a file, so its bytes arrive exactly as sent (busboy would decode plain fields as text and
 * JSON-parse `application/json` ones); each becomes a value under its field name, PHP-style
 * bracket names nesting. The parts together may not exceed `maxBytes`, nor their count
 * `FORM_LIMITS.maxParts`.
 */
export async function readMultipartForm(
  request: FastifyRequest,
  maxBytes: number,
): Promise<FormMap> {
  const form = new FormBuilder();
  let total = 0;
  const parts = request.parts({
    isPartAFile: () => true,
    limits: { fileSize: maxBytes, fieldSize: maxBytes, parts: FORM_LIMITS.maxParts },
  });
  for await (const part of parts) {
    if (part.type !== 'file') continue;
    const bytes = await part.toBuffer();
    total += bytes.length;
    if (total > maxBytes) throw payloadTooLarge();
    form.add(part.fieldname, bytes);
  }
  return form.build();
}

function payloadTooLarge(): Error {
  const error = new Error('Request body is too large') as Error & {
    statusCode: number;
    code: string;
  };
  error.name = 'FastifyError';
  error.statusCode = 413;
  error.code = 'FST_ERR_CTP_BODY_TOO_LARGE';
  return error;
}
