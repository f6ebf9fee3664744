import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { RuncellConfig } from '../../src/config';
import { startTestApp, testConfig } from './test-app';

export const EXECUTOR_SECRET = 'executor-test-secret';

/** A listening Runcell with its own executor hostname, runtimes network and work folder. */
export interface ExecutorHarness {
  app: NestFastifyApplication;
  config: RuncellConfig;
  baseUrl: string;
  hostname: string;
  network: string;
  tmpDir: string;
  docker: Docker;
  /** Containers labelled with this harness's executor hostname. */
  containers(): Promise<Docker.ContainerInfo[]>;
  networkExists(): Promise<boolean>;
  close(): Promise<void>;
}

export async function startExecutorHarness(
  overrides: Record<string, string> = {},
): Promise<ExecutorHarness> {
  const hostname = `rt-${randomBytes(4).toString('hex')}`;
  const network = `runcell-test-${hostname}`;
  const tmpDir = mkdtempSync('/tmp/runcell-rt-');
  const config = testConfig({
    URT_HOSTNAME: hostname,
    URT_NETWORK: network,
    URT_SECRET: EXECUTOR_SECRET,
    URT_ENV: 'development',
    URT_RUNTIME_VERSIONS: 'v2,v4,v5',
    URT_TMP_DIR: tmpDir,
    URT_IMAGE_PULL: 'false',
    ...overrides,
  });
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  await docker.ping();
  const app = await startTestApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as AddressInfo;
  const containers = () =>
    docker.listContainers({
      all: true,
      filters: { label: [`openruntimes-executor=${hostname}`] },
    });
  return {
    app,
    config,
    baseUrl: `http://127.0.0.1:${address.port}`,
    hostname,
    network,
    tmpDir,
    docker,
    containers,
    networkExists: () =>
      docker
        .getNetwork(network)
        .inspect()
        .then(() => true)
        .catch(() => false),
    close: async () => {
      await app.close();
      for (const container of await containers()) {
        await docker.getContainer(container.Id).remove({ force: true });
      }
      await docker
        .getNetwork(network)
        .remove()
        .catch(() => undefined);
      rmSync(tmpDir, { recursive: true, force: true });
    },
  };
}

/** A `code.tar.gz` of the given files, as a build would leave it. */
export function functionArchive(files: Record<string, string>): string {
  const folder = mkdtempSync('/tmp/runcell-fn-');
  const sourceDir = join(folder, 'src');
  mkdirSync(sourceDir);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(sourceDir, name), content);
  }
  const archive = join(folder, 'code.tar.gz');
  execFileSync('tar', ['-czf', archive, '-C', sourceDir, '.']);
  return archive;
}

export function removeArchive(archive: string): void {
  rmSync(join(archive, '..'), { recursive: true, force: true });
}

export interface ExecutorResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  json<T = any>(): T; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** One call to the executor API with the secret (unless `authorization` is given). */
export async function executorCall(
  baseUrl: string,
  method: string,
  path: string,
  options: { json?: unknown; body?: Buffer | string; headers?: Record<string, string> } = {},
): Promise<ExecutorResponse> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${EXECUTOR_SECRET}`,
    ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}),
    ...options.headers,
  };
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.json !== undefined ? JSON.stringify(options.json) : options.body,
  });
  const body = Buffer.from(await response.arrayBuffer());
  return {
    status: response.status,
    headers: response.headers,
    body,
    json: <T>() => JSON.parse(body.toString('utf8')) as T,
  };
}

/** A `multipart/form-data` request body, byte for byte. */
export function multipartBody(fields: Record<string, string | Buffer>): {
  contentType: string;
  body: Buffer;
} {
  const boundary = `----runcelltest${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`),
      Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8'),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(parts) };
}

/**
 * Parses the executor's multipart answer strictly: boundary from the header, CRLF framing,
 * every part's bytes untouched.
 */
export function parseMultipartAnswer(contentType: string, body: Buffer): Record<string, Buffer> {
  const match = /^multipart\/form-data; boundary=(.+)$/.exec(contentType);
  if (!match) throw new Error(`Not a multipart answer: ${contentType}`);
  const delimiter = Buffer.from(`--${match[1]}`);
  if (!body.subarray(0, delimiter.length).equals(delimiter)) throw new Error('Bad first boundary');
  const fields: Record<string, Buffer> = {};
  let position = delimiter.length;
  for (;;) {
    if (body.subarray(position, position + 4).toString() === '--\r\n') {
      if (position + 4 !== body.length) throw new Error('Bytes after the closing boundary');
      return fields;
    }
    if (body.subarray(position, position + 2).toString() !== '\r\n') throw new Error('Bad CRLF');
    const headerEnd = body.indexOf('\r\n\r\n', position);
    const head = body.subarray(position + 2, headerEnd).toString();
    const name = /name="([^"]+)"/.exec(head)?.[1];
    if (!name) throw new Error(`Part without a name: ${head}`);
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw new Error('Unterminated part');
    fields[name] = body.subarray(headerEnd + 4, next);
    position = next + 2 + delimiter.length;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const V5_START =
  'cp /tmp/code.tar.gz /mnt/code/code.tar.gz && nohup helpers/start.sh "bash helpers/server.sh"';

/** A request through `node:http`, which (unlike fetch) can leave out `Accept`. */
export function rawRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: Buffer | string,
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks),
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}
