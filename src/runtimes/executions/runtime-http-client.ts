import { request as httpRequest } from 'node:http';

export interface RuntimeHttpRequest {
  address: string;
  port: number;
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

const CURL_COULDNT_RESOLVE_HOST = 6;
const CURL_COULDNT_CONNECT = 7;
const CURL_OPERATION_TIMEDOUT = 28;
const CURL_BAD_FUNCTION_ARGUMENT = 43;
const CURL_GOT_NOTHING = 52;
const CURL_RECV_ERROR = 56;

/**
 * One HTTP/1.1 request to a runtime with `node:http`: any method (HEAD and OPTIONS included),
 * binary bodies, a caller-chosen Host, and the raw response headers kept in order.
 */
export function sendRuntimeRequest(options: RuntimeHttpRequest): Promise<RuntimeHttpResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let connected = false;
    const fail = (error: RuntimeTransportError) => {
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
        agent: false,
      });
    } catch (error) {
      fail(new RuntimeTransportError(CURL_BAD_FUNCTION_ARGUMENT, (error as Error).message));
      return;
    }
    request.on('socket', (socket) => {
      socket.once('connect', () => {
        connected = true;
      });
    });
    request.on('error', (error: NodeJS.ErrnoException) => fail(transportError(error)));
    request.on('response', (response) => {
      connected = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
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
    request.end(options.body);
  });
}

function transportError(error: NodeJS.ErrnoException): RuntimeTransportError {
  switch (error.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new RuntimeTransportError(CURL_COULDNT_RESOLVE_HOST, error.message);
    case 'ECONNREFUSED':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new RuntimeTransportError(CURL_COULDNT_CONNECT, error.message);
    case 'ECONNRESET':
      return new RuntimeTransportError(CURL_RECV_ERROR, error.message);
    default:
      return new RuntimeTransportError(CURL_GOT_NOTHING, error.message);
  }
}
