/**
 * Turns a storage DSN (or, when no DSN is set, the legacy `OPR_EXECUTOR_STORAGE_*` variables)
 * into driver settings. Anything wrong is an error naming the variable: Runcell never falls
 * back to local storage when remote storage was asked for. No credentials ever reach a message.
 */

export type S3Provider = 's3' | 'dospaces' | 'backblaze' | 'linode' | 'wasabi';

export interface LocalStorageSettings {
  kind: 'local';
  /** Host folder every path lives under (`/` unless the DSN names a folder). */
  baseDir: string;
}

export interface S3StorageSettings {
  kind: 's3';
  provider: S3Provider;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  bucket: string;
  /** Key prefix from the DSN path after the bucket, without slashes at either end. */
  prefix: string;
  /** Undefined means AWS itself (the SDK's regional endpoint). */
  endpoint?: string;
  forcePathStyle: boolean;
  /** `<provider>://<endpoint>/<bucket>`, safe for logs. */
  description: string;
}

export type StorageSettings = LocalStorageSettings | S3StorageSettings;

export class StorageConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid storage configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'StorageConfigError';
  }
}

const PROVIDER_HOSTS: Record<Exclude<S3Provider, 's3'>, (region: string) => string> = {
  dospaces: (region) => `${region}.digitaloceanspaces.com`,
  backblaze: (region) => `s3.${region}.backblazeb2.com`,
  linode: (region) => `${region}.linodeobjects.com`,
  wasabi: (region) => `s3.${region}.wasabisys.com`,
};
const S3_PROVIDERS: readonly S3Provider[] = ['s3', 'dospaces', 'backblaze', 'linode', 'wasabi'];
const LOCAL_SCHEMES = ['local', 'file'];
const DEFAULT_S3_REGION = 'us-east-1';
// Lenient on purpose (older buckets and some providers allow capitals and `_`).
const BUCKET_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/;
const REGION_PATTERN = /^[a-z0-9-]+$/;
const HOST_PATTERN = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i;
// Greedy user info (up to the last `@`) so unencoded `/` or `+` in secrets still parse.
const DSN_PATTERN = /^([a-z][a-z0-9+.-]*):\/\/(?:(.*)@)?([^@/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/i;

/** The DSN with its user info replaced, for messages and logs. */
export function redactDsn(dsn: string): string {
  return dsn.replace(/^([a-z][a-z0-9+.-]*:\/\/)(.*)@/i, '$1***@');
}

export const STORAGE_DSN_VARIABLE = 'URT_CONNECTION_STORAGE / OPR_EXECUTOR_CONNECTION_STORAGE';
export const BUILD_CACHE_DSN_VARIABLE =
  'URT_CONNECTION_BUILD_CACHE_STORAGE / OPR_EXECUTOR_CONNECTION_BUILD_CACHE_STORAGE';

/** Settings from the DSN, or from the legacy variables when the DSN is empty. */
export function resolveStorageSettings(
  dsn: string,
  legacy: Readonly<Record<string, string>> = {},
  variable: string = STORAGE_DSN_VARIABLE,
): StorageSettings {
  if (dsn.trim() === '') return settingsFromLegacy(legacy);
  return settingsFromDsn(dsn.trim(), variable);
}

export interface StorageConfig {
  /** Runtime sources and build outputs: `URT_CONNECTION_STORAGE`, or the legacy variables. */
  files: StorageSettings;
  /** The build cache: its own DSN when set, else the same storage as `files`. */
  buildCache: StorageSettings;
}

export interface StorageVariables {
  connectionStorage: string;
  connectionBuildCacheStorage: string;
  legacyStorage: Readonly<Record<string, string>>;
}

/**
 * The storage settings, parsed once at start-up, and every problem with them (the settings are
 * local placeholders where there is a problem; the configuration is refused then).
 */
export function parseStorageConfig(variables: StorageVariables): {
  storage: StorageConfig;
  problems: string[];
} {
  const problems: string[] = [];
  const parse = (resolve: () => StorageSettings): StorageSettings => {
    try {
      return resolve();
    } catch (error) {
      if (!(error instanceof StorageConfigError)) throw error;
      problems.push(...error.problems);
      return { kind: 'local', baseDir: '/' };
    }
  };
  const files = parse(() =>
    resolveStorageSettings(
      variables.connectionStorage,
      variables.legacyStorage,
      STORAGE_DSN_VARIABLE,
    ),
  );
  const ownCache = variables.connectionBuildCacheStorage.trim();
  const buildCache =
    ownCache === '' ? files : parse(() => settingsFromDsn(ownCache, BUILD_CACHE_DSN_VARIABLE));
  return { storage: { files, buildCache }, problems };
}

export function settingsFromDsn(dsn: string, variable: string): StorageSettings {
  const fail = (problem: string): never => {
    throw new StorageConfigError([`${variable}: ${problem} (got "${redactDsn(dsn)}")`]);
  };
  const match = DSN_PATTERN.exec(dsn);
  if (!match) return fail('is not a DSN of the form scheme://[key:secret@]host/bucket');
  const [, rawScheme, userInfo, host, rawPath = '', rawQuery = ''] = match;
  const scheme = rawScheme.toLowerCase();
  const path = decodeOrFail(rawPath, 'path', fail);
  const params = new URLSearchParams(rawQuery);

  if (LOCAL_SCHEMES.includes(scheme)) {
    if (userInfo !== undefined) fail('local storage takes no credentials');
    if (path.split('/').includes('..')) fail('the local folder must not contain ".."');
    return { kind: 'local', baseDir: path.replace(/\/+$/, '') || '/' };
  }
  if (!S3_PROVIDERS.includes(scheme as S3Provider)) {
    return fail(
      `unknown scheme "${scheme}"; use one of ${[...LOCAL_SCHEMES, ...S3_PROVIDERS].join(', ')}`,
    );
  }
  const provider = scheme as S3Provider;

  const separator = userInfo?.indexOf(':') ?? -1;
  if (userInfo === undefined || separator <= 0 || separator === userInfo.length - 1) {
    fail('credentials are missing; write them as KEY:SECRET@ before the host');
  }
  const accessKeyId = decodeOrFail(userInfo.slice(0, separator), 'access key', fail);
  const secretAccessKey = decodeOrFail(userInfo.slice(separator + 1), 'secret', fail);

  const [bucket = '', ...prefixSegments] = path.split('/').filter((segment) => segment !== '');
  if (bucket === '') fail('the bucket is missing; write it as the DSN path (…@host/bucket)');
  if (!BUCKET_PATTERN.test(bucket)) fail(`"${bucket}" is not a valid bucket name`);
  if (prefixSegments.includes('..')) fail('the key prefix must not contain ".."');

  const insecure = readBoolean(params.get('insecure'), 'insecure', fail);
  const region = params.get('region') ?? (provider === 's3' ? DEFAULT_S3_REGION : '');
  if (region === '') fail(`the region is missing; add ?region=… (required for ${provider})`);
  if (!REGION_PATTERN.test(region)) fail(`"${region}" is not a valid region`);
  if (host !== '' && !HOST_PATTERN.test(host)) fail(`"${host}" is not a valid host`);

  const endpoint = chooseEndpoint(provider, host, region, params.get('url'), insecure, fail);
  return {
    kind: 's3',
    provider,
    accessKeyId,
    secretAccessKey,
    region,
    bucket,
    prefix: prefixSegments.join('/'),
    endpoint,
    forcePathStyle: provider === 's3' && endpoint !== undefined,
    description: `${provider}://${endpoint ? new URL(endpoint).host : 'aws'}/${bucket}`,
  };
}

function chooseEndpoint(
  provider: S3Provider,
  host: string,
  region: string,
  url: string | null,
  insecure: boolean,
  fail: (problem: string) => never,
): string | undefined {
  const protocol = insecure ? 'http' : 'https';
  if (url !== null && url !== '') {
    const withProtocol = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `${protocol}://${url}`;
    let parsed: URL;
    try {
      parsed = new URL(withProtocol);
    } catch {
      return fail('the url parameter is not a valid URL');
    }
    if (!['http:', 'https:'].includes(parsed.protocol)) fail('the url parameter must be http(s)');
    return parsed.origin;
  }
  if (provider !== 's3') return `https://${PROVIDER_HOSTS[provider](region)}`;
  // AWS itself: let the SDK pick the regional endpoint and virtual-hosted addressing.
  if (host === '' || /(^|\.)amazonaws\.com$/i.test(host)) return undefined;
  return `${protocol}://${host}`;
}

const LEGACY_DEVICES: Record<string, { provider: S3Provider; prefix: string } | 'local'> = {
  local: 'local',
  file: 'local',
  s3: { provider: 's3', prefix: 'S3' },
  dospaces: { provider: 'dospaces', prefix: 'DO_SPACES' },
  backblaze: { provider: 'backblaze', prefix: 'BACKBLAZE' },
  linode: { provider: 'linode', prefix: 'LINODE' },
  wasabi: { provider: 'wasabi', prefix: 'WASABI' },
};
const LEGACY = 'OPR_EXECUTOR_STORAGE_';

/** The pre-DSN variables (executor ≤0.11, still in Appwrite 1.6/1.7 compose files). */
export function settingsFromLegacy(legacy: Readonly<Record<string, string>>): StorageSettings {
  const deviceVariable = `${LEGACY}DEVICE`;
  const deviceName = (legacy[deviceVariable] ?? '').trim().toLowerCase();
  if (deviceName === '') return { kind: 'local', baseDir: '/' };
  const device = LEGACY_DEVICES[deviceName];
  if (device === undefined) {
    throw new StorageConfigError([
      `${deviceVariable}: unknown device "${deviceName}"; use one of ${Object.keys(LEGACY_DEVICES).join(', ')}`,
    ]);
  }
  if (device === 'local') return { kind: 'local', baseDir: '/' };

  const name = (field: string) => `${LEGACY}${device.prefix}_${field}`;
  const value = (field: string) => (legacy[name(field)] ?? '').trim();
  const problems = ['ACCESS_KEY', 'SECRET', 'BUCKET']
    .filter((field) => value(field) === '')
    .map((field) => `${name(field)} is required when ${deviceVariable}=${deviceName}`);
  if (device.provider !== 's3' && value('REGION') === '') {
    problems.push(`${name('REGION')} is required when ${deviceVariable}=${deviceName}`);
  }
  if (problems.length > 0) throw new StorageConfigError(problems);

  const query = new URLSearchParams({ region: value('REGION') || DEFAULT_S3_REGION });
  let host = '';
  if (device.provider === 's3') {
    const endpoint = value('ENDPOINT');
    if (endpoint !== '') {
      query.set('url', endpoint);
      if (/^http:\/\//i.test(endpoint)) query.set('insecure', 'true');
    } else {
      host = value('HOST');
    }
  }
  const dsn =
    `${device.provider}://${encodeURIComponent(value('ACCESS_KEY'))}:` +
    `${encodeURIComponent(value('SECRET'))}@${host}/${value('BUCKET')}?${query.toString()}`;
  return settingsFromDsn(dsn, `${LEGACY}${device.prefix}_*`);
}

function decodeOrFail(text: string, what: string, fail: (problem: string) => never): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return fail(`the ${what} has invalid percent-encoding`);
  }
}

function readBoolean(
  value: string | null,
  name: string,
  fail: (problem: string) => never,
): boolean {
  if (value === null || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  return fail(`the ${name} parameter must be true or false`);
}
