import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook must never reach unless the operator allows private targets: this
 * machine, its networks, and the cloud metadata services on them (169.254.169.254, fd00:ec2::254).
 * IANA's special-purpose registries, less what is publicly routable.
 */
// Two lists: one BlockList matches IPv4 addresses against its IPv6 rules too (as mapped addresses).
const nonPublicV4 = new BlockList();
const nonPublicV6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT (and Alibaba's metadata, 100.100.100.200)
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  nonPublicV4.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['::', 96], // IPv4-compatible (deprecated)
  ['::ffff:0:0', 96], // IPv4-mapped: whichever IPv4 address it hides
  ['64:ff9b::', 96], // NAT64, which can lead back to a private IPv4 address
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7], // unique local, AWS's metadata fd00:ec2::254
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  nonPublicV6.addSubnet(net, prefix, 'ipv6');
}

/** True for a publicly routable IP address; false for private, loopback, link-local, metadata and reserved ones (and for anything that is not an address). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !nonPublicV4.check(address, 'ipv4');
  if (family === 6) return !nonPublicV6.check(address, 'ipv6');
  return false;
}
