import { ContainerInfo } from '../../container-engine';
import { LABEL_RUNTIME_VERSION } from '../containers/runtime-container.service';
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
  const version = protocolVersion(info);
  const secret = version === 'v2' ? info.env.INTERNAL_RUNTIME_KEY : info.env.OPEN_RUNTIMES_SECRET;
  if (!secret) return undefined;
  const network =
    runtimeNetworks.find((name) => info.networks[name]) ?? Object.keys(info.networks)[0];
  const address = network === undefined ? undefined : info.networks[network];
  if (network === undefined || !address) return undefined;
  const startedAt = (info.startedAt ?? info.createdAt).getTime() / 1000;
  return {
    row: {
      version,
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

const VERSIONS = ['v2', 'v4', 'v5'];

/**
 * The version label the container was created with; containers from before the label existed
 * are told apart by their secret variable (v4 and v5 share one, so those count as v5).
 */
function protocolVersion(info: ContainerInfo): string {
  const labelled = info.labels[LABEL_RUNTIME_VERSION];
  if (labelled !== undefined && VERSIONS.includes(labelled)) return labelled;
  return info.env.OPEN_RUNTIMES_SECRET ? 'v5' : 'v2';
}
