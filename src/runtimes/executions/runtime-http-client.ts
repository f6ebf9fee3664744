import { Agent, request as httpRequest } from 'node:http';

export interface RuntimeHttpRequest {
  address: string;
  port: number;
  /** Keep-alive connections to the runtime; none means a new connection closed after the call. */
  agent?: Agent;
  /** The answer's body may not exceed this many bytes. */
  maxResponseBytes: number;
  method: string;
  path: string;
  /** Lower-case names; a `host` entry replaces the default Host header. */
  headers: Record<string, string>;
  body?: Buffer;
  timeoutMs: number;
  connectTimeoutMs: number;
}

export interface RuntimeHttpResponse {
  statusCode: number;
  /** Every response header in arrival order, names lower-cased, values trimmed. */
  headers: [string, string][];
  body: Buffer;
}

/** A transport failure, numbered like curl's errors since they appear in executor messages. */
export class RuntimeTransportError extends Error {
  constructor(
    readonly errno: number,
    message: string,
  ) {
    super(message);
    this.name = 'RuntimeTransportError';
  }

  /** Cannot resolve (6) or cannot connect (7): worth another attempt. */
  get retryable(): boolean {
    return this.errno === 6 || this.errno === 7;
  }
}

/** The runtime's answer was larger than `maxResponseBytes`; it was cut off, never buffered. */
export class RuntimeResponseTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The runtime's response is larger than the limit of ${limit} bytes.`);
    this.name = 'RuntimeResponseTooLargeError';
  }
}

const CURL_COULDNT_RESOLVE_HOST = 6;
const CURL_COULDNT_CONNECT = 7;
const CURL_OPERATION_TIMEDOUT = 28;
const CURL_BAD_FUNCTION_ARGUMENT = 43;
const CURL_GOT_NOTHING = 52;
const CURL_RECV_ERROR = 56;

/**
 * One HTTP/1.1 request to a runtime with `node:http`: any method (HEAD and OPTIONS included),
 * binary bodies sent with their length on every method, a caller-chosen Host, and the raw
 * response headers kept in order. A pooled connection the runtime closed meanwhile is retried
 * once on a fresh one.
 */
export async function sendRuntimeRequest(
  options: RuntimeHttpRequest,
): Promise<RuntimeHttpResponse> {
  try {
    return await sendOnce(options);
  } catch (error) {
    if (error instanceof StaleConnectionError) return sendOnce(options);
    throw error;
  }
}

/** A reused keep-alive connection failed before any answer arrived. */
class StaleConnectionError extends Error {}

function sendOnce(options: RuntimeHttpRequest): Promise<RuntimeHttpResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let connected = false;
    let answered = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(totalTimer);
      clearTimeout(connectTimer);
      request?.destroy();
      reject(error);
    };
    const totalTimer = setTimeout(
      () => fail(new RuntimeTransportError(CURL_OPERATION_TIMEDOUT, 'Operation timed out')),
      options.timeoutMs,
    );
    const connectTimer = setTimeout(() => {
      if (!connected) {
        fail(new RuntimeTransportError(CURL_OPERATION_TIMEDOUT, 'Connection timed out'));
      }
    }, options.connectTimeoutMs);

    let request: ReturnType<typeof httpRequest> | undefined;
    try {
      request = httpRequest({
        host: options.address,
        port: options.port,
        method: options.method,
        path: options.path,
        headers: options.headers,
        agent: options.agent ?? false,
      });
      // Like curl: no Connection header (HTTP/1.1 keeps the connection by default).
      request.removeHeader('connection');
      if (options.body !== undefined && options.method !== 'HEAD') {
        request.setHeader('content-length', options.body.length);
      }
    } catch (error) {
      fail(new RuntimeTransportError(CURL_BAD_FUNCTION_ARGUMENT, (error as Error).message));
      return;
    }
    request.on('socket', (socket) => {
      // A pooled keep-alive socket is connected already and never emits 'connect' again: a
      // listener on it would stay for the socket's life, one more per request.
      if (!socket.connecting) connected = true;
      else
        socket.once('connect', () => {
          connected = true;
        });
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (request?.reusedSocket && !answered && isReset(error)) fail(new StaleConnectionError());
      else fail(transportError(error));
    });
    request.on('response', (response) => {
      connected = true;
      answered = true;
      const chunks: Buffer[] = [];
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > options.maxResponseBytes) {
          chunks.length = 0;
          fail(new RuntimeResponseTooLargeError(options.maxResponseBytes));
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', (error: NodeJS.ErrnoException) => fail(transportError(error)));
      response.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(totalTimer);
        clearTimeout(connectTimer);
        const headers: [string, string][] = [];
        for (let index = 0; index + 1 < response.rawHeaders.length; index += 2) {
          headers.push([
            response.rawHeaders[index].toLowerCase(),
            response.rawHeaders[index + 1].trim(),
          ]);
        }
        resolve({ statusCode: response.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
      });
    });
    request.end(options.method === 'HEAD' ? undefined : options.body);
  });
}

function isReset(error: NodeJS.ErrnoException): boolean {
  return error.code === 'ECONNRESET' || error.code === 'EPIPE';
}

function transportError(error: NodeJS.ErrnoException): RuntimeTransportError {
  switch (error.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new RuntimeTransportError(CURL_COULDNT_RESOLVE_HOST, error.message);
    case 'ECONNREFUSED':
    case 'ENOTCONN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new RuntimeTransportError(CURL_COULDNT_CONNECT, error.message);
    case 'ECONNRESET':
      return new RuntimeTransportError(CURL_RECV_ERROR, error.message);
    default:
      return new RuntimeTransportError(CURL_GOT_NOTHING, error.message);
  }
}
