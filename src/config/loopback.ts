import ipaddr from 'ipaddr.js';

/**
 * `localhost` or an IP literal in a loopback range. A name that merely starts with `127.`
 * (`127.0.0.1.evil.com`) is a DNS name that can resolve anywhere, so it is not loopback.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost') return true;
  return ipaddr.isValid(bare) && ipaddr.process(bare).range() === 'loopback';
}
