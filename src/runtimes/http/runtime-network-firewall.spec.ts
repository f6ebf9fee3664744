import type { NetworkSubnet } from '../../container-engine';
import { RuntimeNetworkFirewall } from './runtime-network-firewall';

describe('RuntimeNetworkFirewall', () => {
  let subnets: readonly NetworkSubnet[] = [];
  const sut = new RuntimeNetworkFirewall({ subnets: () => subnets });

  it('refuses addresses inside a runtime subnet, IPv4-mapped ones too, and IPv6', () => {
    subnets = [
      { cidr: '172.28.0.0/16', gateway: '172.28.0.1' },
      { cidr: 'fd00:1::/64', gateway: 'fd00:1::1' },
    ];
    expect(sut.refuses('172.28.3.4')).toBe(true);
    expect(sut.refuses('::ffff:172.28.3.4')).toBe(true);
    expect(sut.refuses('fd00:1::42')).toBe(true);
  });

  it('allows the gateways (the host itself), loopback and other networks', () => {
    expect(sut.refuses('172.28.0.1')).toBe(false);
    expect(sut.refuses('fd00:1::1')).toBe(false);
    expect(sut.refuses('127.0.0.1')).toBe(false);
    expect(sut.refuses('::1')).toBe(false);
    expect(sut.refuses('172.29.0.5')).toBe(false);
    expect(sut.refuses(undefined)).toBe(false);
  });

  it('follows the networks when they change', () => {
    subnets = [{ cidr: '10.77.0.0/24', gateway: null }];
    expect(sut.refuses('172.28.3.4')).toBe(false);
    expect(sut.refuses('10.77.0.9')).toBe(true);
  });
});
