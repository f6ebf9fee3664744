import {
  redactDsn,
  resolveStorageSettings,
  S3StorageSettings,
  settingsFromLegacy,
  StorageConfigError,
  parseStorageConfig,
} from './storage-settings';

const VARIABLE = 'URT_CONNECTION_STORAGE';

function parseS3(dsn: string): S3StorageSettings {
  const settings = resolveStorageSettings(dsn, {}, VARIABLE);
  if (settings.kind !== 's3') throw new Error(`expected S3 settings for ${dsn}`);
  return settings;
}

function problemsOf(dsn: string, legacy: Record<string, string> = {}): string[] {
  try {
    resolveStorageSettings(dsn, legacy, VARIABLE);
  } catch (error) {
    if (error instanceof StorageConfigError) return error.problems;
    throw error;
  }
  throw new Error(`expected ${dsn} to be rejected`);
}

describe('storage DSN parsing', () => {
  it.each(['', '  ', 'local://localhost', 'file://localhost', 'file:///', 'local://'])(
    '"%s" is local storage over the whole host',
    (dsn) => {
      expect(resolveStorageSettings(dsn, {}, VARIABLE)).toEqual({ kind: 'local', baseDir: '/' });
    },
  );

  it('a local DSN with a folder keeps it as the base folder', () => {
    expect(resolveStorageSettings('file:///srv/storage/', {}, VARIABLE)).toEqual({
      kind: 'local',
      baseDir: '/srv/storage',
    });
  });

  it('an s3 DSN with a host and insecure=true is a path-style http endpoint', () => {
    const sut = parseS3('s3://S3RVER:S3RVER@127.0.0.1:4568/runcell?region=eu-west-1&insecure=true');
    expect(sut).toEqual({
      kind: 's3',
      provider: 's3',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      region: 'eu-west-1',
      bucket: 'runcell',
      prefix: '',
      endpoint: 'http://127.0.0.1:4568',
      forcePathStyle: true,
      description: 's3://127.0.0.1:4568/runcell',
    });
  });

  it('an s3 DSN takes its endpoint from the url parameter, https unless insecure', () => {
    const url = encodeURIComponent('https://minio.internal:9000');
    expect(parseS3(`s3://k:s@ignored/b1b?url=${url}`).endpoint).toBe('https://minio.internal:9000');
    expect(parseS3('s3://k:s@host/b1b?url=minio:9000&insecure=true').endpoint).toBe(
      'http://minio:9000',
    );
    expect(parseS3('s3://k:s@minio:9000/b1b').endpoint).toBe('https://minio:9000');
  });

  it('an s3 DSN naming AWS uses the SDK regional endpoint and defaults the region', () => {
    const sut = parseS3('s3://AKIA:secret@s3.amazonaws.com/my-bucket');
    expect(sut.endpoint).toBeUndefined();
    expect(sut.forcePathStyle).toBe(false);
    expect(sut.region).toBe('us-east-1');
  });

  it('path segments after the bucket become a key prefix', () => {
    expect(parseS3('s3://k:s@h/bucket/a/b/?region=us-east-1').prefix).toBe('a/b');
  });

  it('credentials may be percent-encoded or carry raw / and + characters', () => {
    expect(parseS3('s3://AK%2FI:se%2Bc%40ret@h/bucket').secretAccessKey).toBe('se+c@ret');
    expect(parseS3('s3://AK%2FI:se%2Bc%40ret@h/bucket').accessKeyId).toBe('AK/I');
    expect(parseS3('s3://AKIA:ab/cd+ef@h/bucket').secretAccessKey).toBe('ab/cd+ef');
  });

  it.each([
    ['dospaces', 'nyc3', 'https://nyc3.digitaloceanspaces.com'],
    ['backblaze', 'us-west-004', 'https://s3.us-west-004.backblazeb2.com'],
    ['linode', 'eu-central-1', 'https://eu-central-1.linodeobjects.com'],
    ['wasabi', 'eu-central-2', 'https://s3.eu-central-2.wasabisys.com'],
  ])('%s uses its conventional endpoint for the region', (scheme, region, endpoint) => {
    const sut = parseS3(`${scheme}://key:secret@/bucket?region=${region}`);
    expect(sut).toMatchObject({ provider: scheme, region, endpoint, forcePathStyle: false });
  });

  it.each([
    ['ftp://k:s@h/b', 'unknown scheme "ftp"'],
    ['not a dsn', 'is not a DSN'],
    ['s3://k:s@h', 'the bucket is missing'],
    ['s3://k:s@h/', 'the bucket is missing'],
    ['s3://h/bucket', 'credentials are missing'],
    ['s3://key@h/bucket', 'credentials are missing'],
    ['s3://:secret@h/bucket', 'credentials are missing'],
    ['s3://k:s@h/-bucket', 'is not a valid bucket name'],
    ['s3://k:s@h/b%20b', 'is not a valid bucket name'],
    ['s3://k:s@h/bucket?insecure=maybe', 'insecure parameter must be true or false'],
    ['s3://k:s@h/bucket?url=ftp%3A%2F%2Fx', 'url parameter must be http(s)'],
    ['s3://k:s@h/bucket?url=http%3A%2F%2F', 'url parameter is not a valid URL'],
    ['s3://k:s@h/bucket?region=us%20east', 'is not a valid region'],
    ['s3://k:s@bad host/bucket', 'is not a valid host'],
    ['s3://k:%E0%A4%A@h/bucket', 'invalid percent-encoding'],
    ['dospaces://k:s@/bucket', 'the region is missing'],
    ['local://user:pass@localhost', 'local storage takes no credentials'],
  ])('rejects %s: %s', (dsn, problem) => {
    const [message] = problemsOf(dsn);
    expect(message).toContain(`${VARIABLE}: `);
    expect(message).toContain(problem);
  });

  it('never puts credentials in a message', () => {
    const [message] = problemsOf('s3://AKIAEXAMPLE:TopSecretValue@h/-bucket');
    expect(message).not.toContain('AKIAEXAMPLE');
    expect(message).not.toContain('TopSecretValue');
    expect(message).toContain('s3://***@h/-bucket');
  });

  it('redactDsn hides user info and leaves DSNs without it alone', () => {
    expect(redactDsn('s3://key:se/cr@et@host/b?x=1')).toBe('s3://***@host/b?x=1');
    expect(redactDsn('file://localhost')).toBe('file://localhost');
  });
});

describe('legacy OPR_EXECUTOR_STORAGE_* variables', () => {
  it('are ignored when a DSN is set', () => {
    const legacy = { OPR_EXECUTOR_STORAGE_DEVICE: 'nonsense' };
    expect(resolveStorageSettings('file://localhost', legacy, VARIABLE).kind).toBe('local');
  });

  it.each<Record<string, string>>([
    {},
    { OPR_EXECUTOR_STORAGE_DEVICE: 'local' },
    { OPR_EXECUTOR_STORAGE_DEVICE: '' },
  ])('%j is local storage', (legacy) => {
    expect(settingsFromLegacy(legacy)).toEqual({ kind: 'local', baseDir: '/' });
  });

  it('s3 with an endpoint URL becomes a path-style client of that endpoint', () => {
    const sut = settingsFromLegacy({
      OPR_EXECUTOR_STORAGE_DEVICE: 'S3',
      OPR_EXECUTOR_STORAGE_S3_ACCESS_KEY: 'minio',
      OPR_EXECUTOR_STORAGE_S3_SECRET: 'mini/o+secret',
      OPR_EXECUTOR_STORAGE_S3_REGION: 'eu-west-1',
      OPR_EXECUTOR_STORAGE_S3_BUCKET: 'functions',
      OPR_EXECUTOR_STORAGE_S3_ENDPOINT: 'http://minio:9000',
    });
    expect(sut).toMatchObject({
      kind: 's3',
      provider: 's3',
      accessKeyId: 'minio',
      secretAccessKey: 'mini/o+secret',
      region: 'eu-west-1',
      bucket: 'functions',
      endpoint: 'http://minio:9000',
      forcePathStyle: true,
    });
  });

  it('s3 with only a host uses https on that host', () => {
    const sut = settingsFromLegacy({
      OPR_EXECUTOR_STORAGE_DEVICE: 's3',
      OPR_EXECUTOR_STORAGE_S3_ACCESS_KEY: 'k',
      OPR_EXECUTOR_STORAGE_S3_SECRET: 's',
      OPR_EXECUTOR_STORAGE_S3_BUCKET: 'functions',
      OPR_EXECUTOR_STORAGE_S3_HOST: 'storage.example.com:9000',
    });
    expect(sut).toMatchObject({
      endpoint: 'https://storage.example.com:9000',
      region: 'us-east-1',
    });
  });

  it.each([
    ['dospaces', 'DO_SPACES', 'https://fra1.digitaloceanspaces.com', 'fra1'],
    ['backblaze', 'BACKBLAZE', 'https://s3.fra1.backblazeb2.com', 'fra1'],
    ['linode', 'LINODE', 'https://fra1.linodeobjects.com', 'fra1'],
    ['wasabi', 'WASABI', 'https://s3.fra1.wasabisys.com', 'fra1'],
  ])('%s reads the OPR_EXECUTOR_STORAGE_%s_* variables', (device, prefix, endpoint, region) => {
    const sut = settingsFromLegacy({
      OPR_EXECUTOR_STORAGE_DEVICE: device,
      [`OPR_EXECUTOR_STORAGE_${prefix}_ACCESS_KEY`]: 'key',
      [`OPR_EXECUTOR_STORAGE_${prefix}_SECRET`]: 'secret',
      [`OPR_EXECUTOR_STORAGE_${prefix}_REGION`]: region,
      [`OPR_EXECUTOR_STORAGE_${prefix}_BUCKET`]: 'functions',
    });
    expect(sut).toMatchObject({ kind: 's3', provider: device, endpoint, bucket: 'functions' });
  });

  it('an unknown device names the variable', () => {
    expect(problemsOf('', { OPR_EXECUTOR_STORAGE_DEVICE: 'floppy' })).toEqual([
      expect.stringContaining('OPR_EXECUTOR_STORAGE_DEVICE: unknown device "floppy"'),
    ]);
  });

  it('a remote device lists every missing variable', () => {
    expect(problemsOf('', { OPR_EXECUTOR_STORAGE_DEVICE: 'wasabi' })).toEqual([
      'OPR_EXECUTOR_STORAGE_WASABI_ACCESS_KEY is required when OPR_EXECUTOR_STORAGE_DEVICE=wasabi',
      'OPR_EXECUTOR_STORAGE_WASABI_SECRET is required when OPR_EXECUTOR_STORAGE_DEVICE=wasabi',
      'OPR_EXECUTOR_STORAGE_WASABI_BUCKET is required when OPR_EXECUTOR_STORAGE_DEVICE=wasabi',
      'OPR_EXECUTOR_STORAGE_WASABI_REGION is required when OPR_EXECUTOR_STORAGE_DEVICE=wasabi',
    ]);
  });
});

describe('parseStorageConfig', () => {
  it('checks the build-cache DSN on its own, naming its variable', () => {
    const { storage, problems } = parseStorageConfig({
      connectionStorage: 's3://k:s@h/bucket',
      connectionBuildCacheStorage: 'gopher://k:s@h/bucket',
      legacyStorage: {},
    });
    expect(problems).toEqual([
      expect.stringMatching(/^URT_CONNECTION_BUILD_CACHE_STORAGE .*unknown scheme "gopher"/),
    ]);
    expect(storage.files).toMatchObject({ kind: 's3', bucket: 'bucket' });
  });

  it('gives the build cache its own storage, or else the main one', () => {
    const own = parseStorageConfig({
      connectionStorage: '',
      connectionBuildCacheStorage: 's3://k:s@h/cache',
      legacyStorage: {},
    });
    expect(own.storage.files).toEqual({ kind: 'local', baseDir: '/' });
    expect(own.storage.buildCache).toMatchObject({ kind: 's3', bucket: 'cache' });
    const shared = parseStorageConfig({
      connectionStorage: 's3://k:s@h/main',
      connectionBuildCacheStorage: ' ',
      legacyStorage: {},
    });
    expect(shared.storage.buildCache).toBe(shared.storage.files);
  });

  it('finds nothing wrong with local storage', () => {
    const { storage, problems } = parseStorageConfig({
      connectionStorage: '',
      connectionBuildCacheStorage: '',
      legacyStorage: {},
    });
    expect(problems).toEqual([]);
    expect(storage).toEqual({
      files: { kind: 'local', baseDir: '/' },
      buildCache: { kind: 'local', baseDir: '/' },
    });
  });
});
