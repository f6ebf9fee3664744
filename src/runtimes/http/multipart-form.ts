import { FormMap, setFormValue } from './php-form';

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** The `boundary` parameter of a `multipart/form-data` content type, or undefined. */
export function multipartBoundary(contentType: string): string | undefined {
  const match = /;\s*boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]) : undefined;
}

/**
 * Parses a whole `multipart/form-data` body. Every part, file or not, becomes a value under its
 * field name (PHP-style bracket names nest), holding the part's bytes exactly as sent.
 * A malformed body yields the parts read before the problem.
 */
export function parseMultipartForm(body: Buffer, contentType: string): FormMap {
  const form: FormMap = {};
  const boundary = multipartBoundary(contentType);
  if (!boundary) return form;
  const delimiter = Buffer.from(`--${boundary}`);
  const partSeparator = Buffer.concat([CRLF, delimiter]);

  let position = body.indexOf(delimiter);
  if (position < 0) return form;
  position += delimiter.length;
  while (position < body.length) {
    if (body[position] === 0x2d && body[position + 1] === 0x2d) break; // closing `--`
    if (body[position] !== 0x0d || body[position + 1] !== 0x0a) break;
    const headersStart = position + CRLF.length;
    const headersEnd = body.indexOf(HEADER_END, headersStart);
    if (headersEnd < 0) break;
    const contentStart = headersEnd + HEADER_END.length;
    const contentEnd = body.indexOf(partSeparator, contentStart);
    if (contentEnd < 0) break;
    const name = fieldName(body.subarray(headersStart, headersEnd).toString('utf8'));
    if (name !== undefined) {
      setFormValue(form, name, Buffer.from(body.subarray(contentStart, contentEnd)));
    }
    position = contentEnd + partSeparator.length;
  }
  return form;
}

function fieldName(headers: string): string | undefined {
  for (const line of headers.split('\r\n')) {
    const separator = line.indexOf(':');
    if (separator < 0) continue;
    if (line.slice(0, separator).trim().toLowerCase() !== 'content-disposition') continue;
    const match = /(?:^|;)\s*name=(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(
      line.slice(separator + 1),
    );
    if (!match) return undefined;
    return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2];
  }
  return undefined;
}
