import { ContainerInfo } from '../../container-engine';
import { nowSeconds, RuntimeRow } from '../registry/runtime-registry.service';

/** What an adopted runtime container gives back: its state row and where it listens. */
export interface AdoptedRuntime {
  row: RuntimeRow;
  /** The network the address is on (one of the configured ones when it joined any). */
  network: string;
  address: string;
}

/**
 * Rebuilds the state row of a runtime container a previous process of this executor left
 * running, or undefined when the container cannot serve executions (stopped, no secret).
 */
export function adoptedEntry(
  info: ContainerInfo,
  runtimeNetworks: string[],
  now = nowSeconds(),
): AdoptedRuntime | undefined {
  if (!info.running) return undefined;
  const v2Secret = info.env.INTERNAL_RUNTIME_KEY;
  const secret = info.env.OPEN_RUNTIMES_SECRET ?? v2Secret;
  if (!secret) return undefined;
  const network =
    runtimeNetworks.find((name) => info.networks[name]) ?? Object.keys(info.networks)[0];
  const address = network === undefined ? undefined : info.networks[network];
  if (network === undefined || !address) return undefined;
  const startedAt = (info.startedAt ?? info.createdAt).getTime() / 1000;
  return {
    row: {
      version: info.env.OPEN_RUNTIMES_SECRET ? 'v5' : 'v2',
      created: info.createdAt.getTime() / 1000,
      updated: now,
      name: info.name.replace(/^\//, ''),
      hostname: info.hostname,
      status: `Up ${Math.max(Math.round(now - startedAt), 0)}s`,
      key: secret,
      listening: 0,
      image: info.image,
      initialised: 1,
    },
    network,
    address,
  };
}
