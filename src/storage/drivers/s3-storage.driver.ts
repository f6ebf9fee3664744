import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3StorageSettings } from '../../config';
import { StorageDriver, StorageError, StoredObject } from '../storage-driver';
import { byPath, listPrefix, normalizeStoragePath } from '../storage-path';

/** Multipart part size: memory per transfer is about `PART_SIZE × (QUEUE_SIZE + 1)`. */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;
const CONNECTION_TIMEOUT_MS = 5_000;

/** Objects in an S3-compatible bucket; keys are `<DSN prefix>/<root>/<path>`. */
export class S3StorageDriver implements StorageDriver {
  readonly kind = 's3';
  readonly root: string;
  readonly description: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  /** Key prefix of everything under the root: `''` or `a/b/`. */
  private readonly keyPrefix: string;

  constructor(settings: S3StorageSettings, root: string) {
    this.root = posix.join('/', settings.prefix, normalizeStoragePath(root, true));
    this.keyPrefix = this.root === '/' ? '' : `${this.root.slice(1)}/`;
    this.bucket = settings.bucket;
    this.description = `${settings.description}${this.root === '/' ? '' : this.root}`;
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials: {
        accessKeyId: settings.accessKeyId,
        secretAccessKey: settings.secretAccessKey,
      },
      // Only send checksums S3 demands: MinIO-like servers reject the newer trailing checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS },
    });
  }

  async exists(path: string): Promise<boolean> {
    try {
      await this.head(path);
      return true;
    } catch (error) {
      if (error instanceof StorageError && error.kind === 'not_found') return false;
      throw error;
    }
  }

  async size(path: string): Promise<number> {
    return (await this.head(path)).ContentLength ?? 0;
  }

  async read(path: string): Promise<Readable> {
    const key = this.key(path);
    try {
      const output = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key }),
      );
      return output.Body as Readable;
    } catch (error) {
      throw this.failure(error, 'read', path);
    }
  }

  async write(path: string, content: Readable | Buffer, size?: number): Promise<void> {
    const key = this.key(path);
    try {
      if (Buffer.isBuffer(content) && content.length <= PART_SIZE) {
        await this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body: content,
            ContentLength: content.length,
          }),
        );
        return;
      }
      await this.multipartUpload(key, content, size);
    } catch (error) {
      throw this.failure(error, 'write', path);
    }
  }

  async download(path: string, localFile: string): Promise<void> {
    const body = await this.read(path);
    await mkdir(dirname(localFile), { recursive: true });
    const temporary = `${localFile}.${randomBytes(6).toString('hex')}.partial`;
    try {
      await pipeline(body, createWriteStream(temporary));
      await rename(temporary, localFile);
    } catch (error) {
      await rm(temporary, { force: true });
      throw this.failure(error, 'download', path);
    }
  }

  async upload(localFile: string, path: string): Promise<void> {
    const key = this.key(path);
    try {
      await this.multipartUpload(key, createReadStream(localFile));
    } catch (error) {
      throw this.failure(error, 'upload', path);
    }
  }

  async delete(path: string): Promise<void> {
    const key = this.key(path);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw this.failure(error, 'delete', path);
    }
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const wanted = listPrefix(prefix);
    const keyPrefix = `${this.keyPrefix}${wanted.slice(1)}`;
    const found: StoredObject[] = [];
    let continuationToken: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: keyPrefix,
            ContinuationToken: continuationToken,
          }),
        );
        for (const object of page.Contents ?? []) {
          if (object.Key === undefined || object.Key.endsWith('/')) continue;
          found.push({
            path: `/${object.Key.slice(this.keyPrefix.length)}`,
            size: object.Size ?? 0,
          });
        }
        continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (continuationToken);
    } catch (error) {
      throw this.failure(error, 'list', prefix);
    }
    return found.sort(byPath);
  }

  async checkReady(timeoutMs: number): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), {
        abortSignal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) throw new StorageError('unavailable', `Bucket ${this.bucket} not found`);
      if (status === 401 || status === 403) {
        throw new StorageError('unavailable', `Access to bucket ${this.bucket} was denied`);
      }
      throw new StorageError('unavailable', `${this.description} did not answer: ${reason(error)}`);
    }
  }

  close(): Promise<void> {
    this.client.destroy();
    return Promise.resolve();
  }

  private async multipartUpload(key: string, body: Readable | Buffer, size?: number) {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentLength: size },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    await upload.done();
  }

  private async head(path: string) {
    try {
      return await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(path) }),
      );
    } catch (error) {
      throw this.failure(error, 'stat', path);
    }
  }

  private key(path: string): string {
    return `${this.keyPrefix}${normalizeStoragePath(path).slice(1)}`;
  }

  private failure(error: unknown, operation: string, path: string): StorageError {
    if (error instanceof StorageError) return error;
    if (statusOf(error) === 404) return new StorageError('not_found', `No object at ${path}`);
    const kind = isNetworkFailure(error) ? 'unavailable' : 'failed';
    return new StorageError(kind, `S3 ${operation} of ${path} failed: ${reason(error)}`);
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
    ?.httpStatusCode;
}

function isNetworkFailure(error: unknown): boolean {
  const code = (error as { code?: string; name?: string } | undefined) ?? {};
  return (
    statusOf(error) === undefined ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(code.code ?? '') ||
    ['TimeoutError', 'AbortError'].includes(code.name ?? '')
  );
}

function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: string }).code;
  return error.message.replace(/^AWS SDK error wrapper for /, '') || code || error.name;
}
