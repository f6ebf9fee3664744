import { ContainerInfo } from '../../container-engine';
import { LABEL_RUNTIME_VERSION } from '../containers/runtime-container.service';
import { nowSeconds, RuntimeEntry } from '../registry/runtime-registry.service';

/**
 * Rebuilds the state row of a runtime container a previous process of this executor left
 * running, or undefined when the container cannot serve executions (stopped, no secret).
 */
export function adoptedEntry(
  info: ContainerInfo,
  runtimeNetworks: string[],
  now = nowSeconds(),
): RuntimeEntry | undefined {
  if (!info.running) return undefined;
  const version = protocolVersion(info);
  const secret = version === 'v2' ? info.env.INTERNAL_RUNTIME_KEY : info.env.OPEN_RUNTIMES_SECRET;
  if (!secret) return undefined;
  const address =
    runtimeNetworks.map((network) => info.networks[network]).find(Boolean) ??
    Object.values(info.networks)[0];
  if (!address) return undefined;
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
    address,
    inFlight: 0,
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
