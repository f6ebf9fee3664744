import { ipv4Gateway, networkSubnets } from './docker-network.mapper';

describe('ipv4Gateway', () => {
  it('prefers the gateway Docker reports', () => {
    expect(ipv4Gateway([{ Subnet: '10.0.0.0/24', Gateway: '10.0.0.254' }])).toBe('10.0.0.254');
  });

  it("derives the default bridge's gateway from its subnet", () => {
    expect(ipv4Gateway([{ Subnet: '172.17.0.0/16' }])).toBe('172.17.0.1');
    expect(ipv4Gateway([{ Subnet: '192.168.5.77/28' }])).toBe('192.168.5.65');
  });

  it('skips IPv6 subnets and reports none when nothing fits', () => {
    expect(ipv4Gateway([{ Subnet: 'fd00::/64' }, { Subnet: '10.9.0.0/16' }])).toBe('10.9.0.1');
    expect(ipv4Gateway([{ Subnet: 'fd00::/64' }])).toBeNull();
    expect(ipv4Gateway([])).toBeNull();
  });
});

describe('networkSubnets', () => {
  it('lists every subnet with its gateway, derived for IPv4 when Docker leaves it out', () => {
    expect(
      networkSubnets([
        { Subnet: '172.17.0.0/16' },
        { Subnet: 'fd00::/64', Gateway: 'fd00::1' },
        { Subnet: 'fd01::/64' },
        {},
      ]),
    ).toEqual([
      { cidr: '172.17.0.0/16', gateway: '172.17.0.1' },
      { cidr: 'fd00::/64', gateway: 'fd00::1' },
      { cidr: 'fd01::/64', gateway: null },
    ]);
  });
});
