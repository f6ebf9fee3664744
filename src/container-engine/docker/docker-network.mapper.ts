import type { NetworkSubnet } from '../container-engine';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * The gateway of the first IPv4 subnet. Docker leaves `Gateway` out of the default `bridge`
 * network's IPAM config; its default IPAM driver then uses the subnet's first host address,
 * which is what this returns for such an entry.
 */
export function ipv4Gateway(config: { Gateway?: string; Subnet?: string }[]): string | null {
  for (const entry of config) {
    if (entry.Gateway && IPV4.test(entry.Gateway)) return entry.Gateway;
    const [address, prefix] = (entry.Subnet ?? '').split('/');
    const match = IPV4.exec(address ?? '');
    const bits = Number(prefix);
    if (!match || !Number.isInteger(bits) || bits < 1 || bits > 30) continue;
    const octets = match.slice(1).map(Number);
    const value = octets.reduce((sum, octet) => sum * 256 + octet, 0);
    const network = value - (value % 2 ** (32 - bits));
    const first = network + 1;
    return [24, 16, 8, 0].map((shift) => Math.floor(first / 2 ** shift) % 256).join('.');
  }
  return null;
}

/** Every subnet of an IPAM config, with its gateway (derived like `ipv4Gateway` when absent). */
export function networkSubnets(config: { Gateway?: string; Subnet?: string }[]): NetworkSubnet[] {
  return config
    .filter((entry) => entry.Subnet)
    .map((entry) => ({
      cidr: entry.Subnet as string,
      gateway: entry.Gateway || ipv4Gateway([{ Subnet: entry.Subnet }]),
    }));
}
