'use strict';

// OpenRuntimes v5 protocol server for Node.js, without npm dependencies.
// The user's function is OPEN_RUNTIMES_ENTRYPOINT inside FUNCTION_DIR, loaded on first use.

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { AsyncLocalStorage } = require('node:async_hooks');
const { pathToFileURL } = require('node:url');
const { Logger } = require('./logger');

const FUNCTION_DIR = process.env.OPEN_RUNTIMES_FUNCTION_DIR || '/usr/local/server/src/function';
const PORT = 3000;
const BODY_LIMIT = 20 * 1024 * 1024;
const BINARY_TYPES = ['application/', 'audio/', 'font/', 'image/', 'video/'];
const TEXT_HEADERS = { 'content-type': 'text/plain; charset=utf-8' };
const TIMINGS_FILE = '/mnt/telemetry/timings.txt';
const TIMINGS_LIMIT = 64 * 1024;

class HttpError extends Error {
  constructor(statusCode, message) {
    super(message);
    this.statusCode = statusCode;
  }
}

// console.* inside user code goes to the log file of the request it runs for.
const requestLogger = new AsyncLocalStorage();
for (const method of ['log', 'info', 'debug', 'warn', 'error']) {
  const original = console[method].bind(console);
  console[method] = (...args) => {
    const logger = requestLogger.getStore();
    if (logger && logger.enabled && !logger.closed) logger.write(args, 'log', true);
    else original(...args);
  };
}

// A stray rejection or throw in user code must not take the runtime down.
function reportStray(err) {
  const logger = requestLogger.getStore();
  if (logger && logger.enabled && !logger.closed) logger.error(err);
  else process.stderr.write(`${(err && err.stack) || err}\n`);
}
process.on('unhandledRejection', reportStray);
process.on('uncaughtException', reportStray);

async function loadUserFunction() {
  const entrypoint = process.env.OPEN_RUNTIMES_ENTRYPOINT || '';
  const file = path.resolve(FUNCTION_DIR, entrypoint);
  let resolved;
  try {
    if (!entrypoint) throw new Error('OPEN_RUNTIMES_ENTRYPOINT is empty');
    resolved = require.resolve(file);
  } catch {
    throw new HttpError(503, `Could not load code file: "${entrypoint}" not found in ${FUNCTION_DIR}.`);
  }

  let mod;
  try {
    mod = require(resolved);
  } catch (err) {
    if (err.code !== 'ERR_REQUIRE_ESM') throw err;
    mod = await import(pathToFileURL(resolved).href);
  }
  const candidates = [mod && mod.default, mod, mod && mod.default && mod.default.default];
  const fn = candidates.find((c) => typeof c === 'function');
  if (!fn) throw new Error('User function is not valid: export a function (module.exports or default export).');
  return fn;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    // Past the limit the rest is read and dropped, so the answer can still be sent.
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > BODY_LIMIT) {
        reject(new HttpError(413, `Request body is larger than the ${BODY_LIMIT / 1024 / 1024} MB limit.`));
      } else {
        resolve(Buffer.concat(chunks));
      }
    });
    req.on('error', reject);
  });
}

function splitHost(hostHeader, defaultPort) {
  const value = hostHeader || '';
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(value);
  const host = m ? m[1] : value;
  const port = m && m[2] ? Number(m[2]) : Number(defaultPort);
  return { host, port };
}

function buildRequest(req, bodyBinary) {
  const headers = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.toLowerCase().startsWith('x-open-runtimes-')) headers[name.toLowerCase()] = value;
  }
  if (process.env.OPEN_RUNTIMES_HEADERS) {
    try {
      const enforced = JSON.parse(process.env.OPEN_RUNTIMES_HEADERS);
      for (const [name, value] of Object.entries(enforced || {})) headers[name.toLowerCase()] = `${value}`;
    } catch {
      // Malformed OPEN_RUNTIMES_HEADERS is ignored rather than failing every request.
    }
  }

  const contentType = `${req.headers['content-type'] || 'text/plain'}`.toLowerCase();
  const scheme = req.headers['x-forwarded-proto'] || 'http';
  const defaultPort = scheme === 'https' ? '443' : '80';
  const { host, port } = splitHost(req.headers.host, defaultPort);
  const q = req.url.indexOf('?');
  const reqPath = q === -1 ? req.url : req.url.slice(0, q);
  const queryString = q === -1 ? '' : req.url.slice(q + 1);
  const query = {};
  for (const param of queryString.split('&')) {
    const [key, ...rest] = param.split('=');
    if (key) query[key] = rest.join('=');
  }
  const portPart = `${port}` === defaultPort ? '' : `:${port}`;
  const url = `${scheme}://${host}${portPart}${reqPath}${queryString === '' ? '' : `?${queryString}`}`;

  return {
    get body() {
      if (contentType.startsWith('application/json')) {
        return bodyBinary.length > 0 ? this.bodyJson : {};
      }
      if (BINARY_TYPES.some((type) => contentType.startsWith(type))) return bodyBinary;
      return this.bodyText;
    },
    get bodyRaw() {
      return this.bodyText;
    },
    get bodyText() {
      return bodyBinary.toString('utf8');
    },
    get bodyJson() {
      return JSON.parse(this.bodyText);
    },
    get bodyBinary() {
      return bodyBinary;
    },
    headers,
    method: req.method,
    host,
    scheme,
    query,
    queryString,
    port,
    url,
    path: reqPath,
  };
}

function toBuffer(body) {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return Buffer.from(`${body}`, 'utf8');
}

function buildResponse() {
  return {
    send(body, statusCode = 200, headers = {}) {
      return this.text(`${body}`, statusCode, headers);
    },
    text(body, statusCode = 200, headers = {}) {
      return this.binary(Buffer.from(`${body}`, 'utf8'), statusCode, headers);
    },
    binary(bytes, statusCode = 200, headers = {}) {
      return { body: toBuffer(bytes), statusCode, headers };
    },
    json(obj, statusCode = 200, headers = {}) {
      return this.text(JSON.stringify(obj), statusCode, { ...headers, 'content-type': 'application/json' });
    },
    empty() {
      return this.text('', 204, {});
    },
    redirect(url, statusCode = 301, headers = {}) {
      return this.text('', statusCode, { ...headers, location: url });
    },
  };
}

function sendPlain(res, statusCode, text, extraHeaders = {}) {
  if (res.headersSent) return res.end();
  res.writeHead(statusCode, { ...TEXT_HEADERS, ...extraHeaders });
  res.end(text);
}

async function execute(context, logger, timeoutSeconds) {
  const run = async () => {
    const fn = await loadUserFunction();
    return fn(context);
  };
  if (timeoutSeconds === null) return run();

  let timer;
  const timedOut = Symbol('timeout');
  const outcome = await Promise.race([
    run(),
    new Promise((resolve) => {
      timer = setTimeout(() => resolve(timedOut), timeoutSeconds * 1000);
    }),
  ]).finally(() => clearTimeout(timer));
  if (outcome === timedOut) {
    logger.error('Execution timed out.');
    return context.res.text('', 500, {});
  }
  return outcome;
}

function writeOutput(res, output, logger, method) {
  const statusCode = Number(output.statusCode ?? 200);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 999) {
    throw new Error(`Invalid status code: ${output.statusCode}`);
  }
  const body = toBuffer(output.body);

  const headers = {};
  for (const [name, value] of Object.entries(output.headers || {})) {
    const lower = name.toLowerCase();
    if (lower.startsWith('x-open-runtimes-')) continue;
    // Framing headers are the server's business: the body is sent whole.
    if (lower === 'content-length' || lower === 'transfer-encoding' || lower === 'connection') continue;
    if (value === undefined || value === null) continue;
    headers[lower] = Array.isArray(value) ? value.map((v) => `${v}`) : `${value}`;
  }
  const contentType = `${headers['content-type'] ?? 'text/plain'}`;
  if (!contentType.toLowerCase().startsWith('multipart/') && !contentType.toLowerCase().includes('charset=')) {
    headers['content-type'] = `${contentType.toLowerCase()}; charset=utf-8`;
  }
  headers['x-open-runtimes-log-id'] = encodeURIComponent(logger.id);

  // Validate every header before anything is written, so a bad one still yields a clean 500.
  for (const [name, value] of Object.entries(headers)) {
    http.validateHeaderName(name);
    for (const v of Array.isArray(value) ? value : [value]) http.validateHeaderValue(name, v);
  }
  if (statusCode !== 204 && statusCode !== 304 && statusCode >= 200) headers['content-length'] = `${body.length}`;
  res.writeHead(statusCode, headers);
  res.end(method === 'HEAD' ? undefined : body);
}

// Like the published images: health and start-up timings answer without the secret.
function serveInternal(req, res) {
  if (req.url === '/__opr/health') {
    sendPlain(res, 200, 'OK');
    return true;
  }
  if (req.url === '/__opr/timings') {
    let timings;
    try {
      timings = fs.readFileSync(TIMINGS_FILE, 'utf8').slice(0, TIMINGS_LIMIT);
    } catch {
      sendPlain(res, 500, '');
      return true;
    }
    sendPlain(res, 200, timings);
    return true;
  }
  return false;
}

async function handle(req, res) {
  if (serveInternal(req, res)) return;
  const timeoutHeader = req.headers['x-open-runtimes-timeout'] ?? '';
  let timeoutSeconds = null;
  if (timeoutHeader !== '') {
    const parsed = Number(timeoutHeader);
    if (!/^\s*\d+(\.\d+)?\s*$/.test(timeoutHeader) || !(parsed > 0)) {
      return sendPlain(res, 500, 'Header "x-open-runtimes-timeout" must be an integer greater than 0.');
    }
    timeoutSeconds = parsed;
  }

  const secret = process.env.OPEN_RUNTIMES_SECRET || '';
  if (secret !== '' && req.headers['x-open-runtimes-secret'] !== secret) {
    return sendPlain(res, 500, 'Unauthorized. Provide correct "x-open-runtimes-secret" header.');
  }

  const logger = new Logger(req.headers['x-open-runtimes-logging'], req.headers['x-open-runtimes-log-id']);
  const logIdHeader = { 'x-open-runtimes-log-id': encodeURIComponent(logger.id) };
  const context = {
    req: null,
    res: buildResponse(),
    log: (...args) => logger.log(...args),
    error: (...args) => logger.error(...args),
  };

  let output;
  try {
    const bodyBinary = await readBody(req);
    context.req = buildRequest(req, bodyBinary);
    output = await requestLogger.run(logger, () => execute(context, logger, timeoutSeconds));
  } catch (err) {
    if (err instanceof HttpError) {
      logger.error(err.message);
      logger.close();
      return sendPlain(res, err.statusCode === 413 ? 500 : err.statusCode, '', logIdHeader);
    }
    logger.error(err);
    output = context.res.text('', 500, {});
  }

  if (output === null || output === undefined) {
    logger.error('Return statement missing. return context.res.empty() if no response is expected.');
    output = context.res.text('', 500, {});
  } else if (typeof output !== 'object') {
    logger.error('Invalid return value: return one of context.res.send(), text(), json(), binary(), redirect() or empty().');
    output = context.res.text('', 500, {});
  }

  try {
    writeOutput(res, output, logger, req.method);
  } catch (err) {
    logger.error(err);
    sendPlain(res, 500, '', logIdHeader);
  } finally {
    logger.close();
  }
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((err) => {
    process.stderr.write(`${(err && err.stack) || err}\n`);
    if (!res.headersSent) sendPlain(res, 500, '');
    else res.destroy();
  });
});
// Executions may run far longer than Node's default 5-minute request timeout; the executor
// enforces the deadline through x-open-runtimes-timeout and its own client timeout.
server.requestTimeout = 0;
server.headersTimeout = 60 * 1000;
server.keepAliveTimeout = 65 * 1000;

server.listen(PORT, () => {
  console.log('HTTP server successfully started!');
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
