import { formatPhpFloat } from '../params/param-reader';

export interface RuntimeEnvInput {
  version: string;
  variables: Record<string, string>;
  secret: string;
  entrypoint: string;
  executorHostname: string;
  cpus: number;
  memory: number;
  outputDirectory: string;
}

/** The container env of §3.3: user variables, then the protocol's own, then `CI=true`. */
export function buildRuntimeEnv(input: RuntimeEnvInput): Record<string, string> {
  const env: Record<string, string> = { ...input.variables };
  if (input.version === 'v2') {
    Object.assign(env, {
      INTERNAL_RUNTIME_KEY: input.secret,
      INTERNAL_RUNTIME_ENTRYPOINT: input.entrypoint,
      INERNAL_EXECUTOR_HOSTNAME: input.executorHostname,
    });
  } else if (input.version === 'v4' || input.version === 'v5') {
    Object.assign(env, {
      OPEN_RUNTIMES_SECRET: input.secret,
      OPEN_RUNTIMES_ENTRYPOINT: input.entrypoint,
      OPEN_RUNTIMES_HOSTNAME: input.executorHostname,
      OPEN_RUNTIMES_CPUS: formatPhpFloat(input.cpus),
      OPEN_RUNTIMES_MEMORY: String(input.memory),
    });
  }
  if (input.outputDirectory !== '') env.OPEN_RUNTIMES_OUTPUT_DIRECTORY = input.outputDirectory;
  env.CI = 'true';

  const filtered: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const cleanKey = key.replace(/[^A-Za-z0-9_.-]/g, '');
    if (cleanKey !== '') filtered[cleanKey] = value;
  }
  return filtered;
}
