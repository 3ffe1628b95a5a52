import { describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../src/oauth/metadata-fetch.js';

/**
 * Issue 9, finding 11: every block of the IANA special-purpose registries is non-public for the
 * metadata-document fetch, including those ipaddr.js calls unicast (IPv4-compatible ::/96).
 */
describe('SSRF address classification', () => {
  it.each([
    '::7f00:1', // IPv4-compatible 127.0.0.1 (::/96)
    '::a9fe:a9fe', // IPv4-compatible 169.254.169.254
    '::0808:0808', // IPv4-compatible, even of a public address
    '100:0:0:1::1', // dummy prefix
    '0.1.2.3',
    '10.1.1.1',
    '100.64.0.1',
    '127.0.0.1',
    '169.254.169.254',
    '172.16.0.1',
    '192.0.0.9',
    '192.0.2.1',
    '192.31.196.1',
    '192.52.193.1',
    '192.88.99.1',
    '192.168.1.1',
    '192.175.48.1',
    '198.18.0.1',
    '198.51.100.1',
    '203.0.113.1',
    '224.0.0.1',
    '240.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
    '64:ff9b:1::1',
    '100::1',
    '2001::1',
    '2001:2::1',
    '2001:db8::1',
    '2002:7f00:1::',
    '2620:4f:8000::1',
    '3fff::1',
    '5f00::1',
    'fc00::1',
    'fd00::1',
    'fe80::1',
    'ff02::1',
  ])('%s is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2a00:1450:4001::1'])(
    '%s is public',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});
