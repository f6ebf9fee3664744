'use strict';

// OpenRuntimes v2 protocol server for Node.js, without npm dependencies.
// POST / with x-internal-challenge = INTERNAL_RUNTIME_KEY and a JSON body
// {variables, payload, headers}; answers {response, stdout, stderr} with the function's status.

const http = require('node:http');
const path = require('node:path');
const util = require('node:util');
const { AsyncLocalStorage } = require('node:async_hooks');
const { pathToFileURL } = require('node:url');

const FUNCTION_DIR = process.env.INTERNAL_RUNTIME_FUNCTION_DIR || '/usr/code';
const PORT = 3000;
const BODY_LIMIT = 20 * 1024 * 1024;

// console.* inside user code is collected per request.
const capture = new AsyncLocalStorage();
const streams = { log: 'stdout', info: 'stdout', debug: 'stdout', warn: 'stderr', error: 'stderr' };
for (const [method, stream] of Object.entries(streams)) {
  const original = console[method].bind(console);
  console[method] = (...args) => {
    const output = capture.getStore();
    if (output && !output.done) output[stream] += util.format(...args) + '\n';
    else original(...args);
  };
}

function reportStray(err) {
  const output = capture.getStore();
  if (output && !output.done) output.stderr += `${(err && err.stack) || err}\n`;
  else process.stderr.write(`${(err && err.stack) || err}\n`);
}
process.on('unhandledRejection', reportStray);
process.on('uncaughtException', reportStray);

async function loadUserFunction() {
  const entrypoint = process.env.INTERNAL_RUNTIME_ENTRYPOINT || '';
  const file = path.resolve(FUNCTION_DIR, entrypoint);
  let resolved;
  try {
    if (!entrypoint) throw new Error('empty');
    resolved = require.resolve(file);
  } catch {
    const err = new Error('Code file not found.');
    err.notFound = true;
    throw err;
  }
  let mod;
  try {
    mod = require(resolved);
  } catch (err) {
    if (err.code !== 'ERR_REQUIRE_ESM') throw err;
    mod = await import(pathToFileURL(resolved).href);
  }
  const fn = [mod && mod.default, mod].find((c) => typeof c === 'function');
  if (!fn) throw new Error('User function is not valid: export a function (module.exports or default export).');
  return fn;
}

function reply(res, statusCode, body) {
  if (res.headersSent) return;
  const json = JSON.stringify(body);
  res.writeHead(statusCode, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > BODY_LIMIT) reject(new Error('Request body is larger than the 20 MB limit.'));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

async function handle(req, res) {
  const key = process.env.INTERNAL_RUNTIME_KEY || '';
  if ((req.headers['x-internal-challenge'] || '') !== key) {
    return reply(res, 500, { stderr: 'Unauthorized' });
  }

  const output = { stdout: '', stderr: '', done: false };
  let body;
  try {
    const text = await readBody(req);
    body = text.trim() === '' ? {} : JSON.parse(text);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
  } catch (err) {
    return reply(res, 500, { response: '', stdout: '', stderr: `Invalid request body: ${err.message}` });
  }

  const variables = body.variables && typeof body.variables === 'object' ? body.variables : {};
  const request = {
    variables,
    env: variables,
    headers: body.headers && typeof body.headers === 'object' ? body.headers : {},
    payload: body.payload ?? '',
  };

  // The first send()/json() answers; the function may call it after returning (callbacks).
  const respond = (response, statusCode) => {
    if (output.done) return;
    output.done = true;
    reply(res, Number.isInteger(statusCode) && statusCode >= 100 && statusCode <= 999 ? statusCode : 500, {
      response,
      stdout: output.stdout,
      stderr: output.stderr,
    });
  };
  const response = {
    send: (text, statusCode = 200) => respond(text === undefined || text === null ? '' : `${text}`, statusCode),
    json: (obj, statusCode = 200) => respond(obj, statusCode),
  };

  try {
    await capture.run(output, async () => {
      const fn = await loadUserFunction();
      await fn(request, response);
    });
  } catch (err) {
    if (output.done) return;
    output.stderr += err.notFound ? 'Code file not found.' : `${(err && err.stack) || err}`;
    respond('', 500);
  }
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((err) => {
    process.stderr.write(`${(err && err.stack) || err}\n`);
    reply(res, 500, { response: '', stdout: '', stderr: 'Internal runtime error.' });
  });
});
// The executor's client timeout bounds executions; Node's 5-minute default would cut them.
server.requestTimeout = 0;
server.headersTimeout = 60 * 1000;

server.listen(PORT, () => {
  console.log('HTTP server successfully started!');
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
