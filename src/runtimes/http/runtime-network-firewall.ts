import { BlockList, isIPv4, isIPv6, type Server, type Socket } from 'node:net';
import type { NetworkSubnet } from '../../container-engine';

/** Where the runtime networks' subnets come from (`RuntimeNetworks`, once it has started). */
export interface RuntimeSubnets {
  subnets(): readonly NetworkSubnet[];
}

/**
 * Runtime containers run user code; they must not reach Runcell's own port (the APIs,
 * `/metrics`, `/docs`). Runcell still sits on the runtimes network to reach `http://<runtime>:3000`,
 * so it refuses, at the TCP level, every connection whose peer address lies in a runtime
 * network's subnet. The gateway addresses are the host itself (host-side clients, Docker's port
 * proxy) and stay allowed.
 */
export class RuntimeNetworkFirewall {
  private builtFrom: readonly NetworkSubnet[] | undefined;
  private blocked = new BlockList();
  private gateways = new Set<string>();

  constructor(private readonly networks: RuntimeSubnets) {}

  /** Closes refused connections as they arrive, before any byte is read. */
  guard(server: Server): void {
    server.prependListener('connection', (socket: Socket) => {
      if (this.refuses(socket.remoteAddress)) socket.destroy();
    });
  }

  refuses(remoteAddress: string | undefined): boolean {
    if (remoteAddress === undefined) return false;
    this.rebuildIfChanged();
    const address = remoteAddress.startsWith('::ffff:') ? remoteAddress.slice(7) : remoteAddress;
    if (this.gateways.has(address)) return false;
    if (isIPv4(address)) return this.blocked.check(address, 'ipv4');
    if (isIPv6(address)) return this.blocked.check(address, 'ipv6');
    return false;
  }

  private rebuildIfChanged(): void {
    const subnets = this.networks.subnets();
    if (subnets === this.builtFrom) return;
    const blocked = new BlockList();
    const gateways = new Set<string>();
    for (const { cidr, gateway } of subnets) {
      const [network, prefix] = cidr.split('/');
      const family = isIPv4(network) ? 'ipv4' : isIPv6(network) ? 'ipv6' : undefined;
      const bits = Number(prefix);
      if (family === undefined || !Number.isInteger(bits)) continue;
      blocked.addSubnet(network, bits, family);
      if (gateway) gateways.add(gateway);
    }
    this.blocked = blocked;
    this.gateways = gateways;
    this.builtFrom = subnets;
  }
}
