import { type LookupAddress, lookup as dnsLookup } from 'node:dns';
import https from 'node:https';
import type { Socket } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * The IANA IPv4 and IPv6 Special-Purpose Address Registries, whole: every block there is treated
 * as non-public, whatever its "globally reachable" column says (a metadata document has no reason
 * to live on any of them). ipaddr.js names most of these, but calls some plain unicast, such as
 * the deprecated IPv4-compatible block ::/96 (::7f00:1 is 127.0.0.1) and the dummy prefix.
 */
const SPECIAL_PURPOSE = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.31.196.0/24',
  '192.52.193.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '192.175.48.0/24',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '255.255.255.255/32',
  '::/96',
  '::ffff:0:0/96',
  '64:ff9b::/96',
  '64:ff9b:1::/48',
  '100::/64',
  '100:0:0:1::/64',
  '2001::/23',
  '2001:db8::/32',
  '2002::/16',
  '2620:4f:8000::/48',
  '3fff::/20',
  '5f00::/16',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
].map((cidr) => ipaddr.parseCIDR(cidr));

/**
 * Only public unicast addresses may be fetched: nothing in SPECIAL_PURPOSE, and nothing ipaddr.js
 * classifies as other than unicast. IPv4-mapped IPv6 is judged by its IPv4 address.
 */
export function isPublicAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  let address = ipaddr.parse(ip);
  if (address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress()) address = address.toIPv4Address();
  const kind = address.kind();
  return (
    address.range() === 'unicast' &&
    !SPECIAL_PURPOSE.some(([block, bits]) => block.kind() === kind && address.match(block, bits))
  );
}

export interface MetadataFetchOptions {
  /** Which connected addresses are acceptable (default: public unicast only). Tests widen it for a local fixture. */
  readonly allowAddress?: (ip: string) => boolean;
  /** Extra trusted CA (tests: the fixture's self-signed certificate). */
  readonly ca?: string;
  readonly maxBytes?: number;
  readonly timeoutMs?: number;
}

type LookupCallback = (error: Error | null, address: string | LookupAddress[], family?: number) => void;

/**
 * The fetch oidc-provider uses for Client ID Metadata Documents: https only, every resolved
 * address checked, the *connected* socket's address checked again (DNS rebinding), no redirects
 * (a 3xx is returned as-is and refused by the engine), at most 16 KB, 5 s overall.
 */
export function metadataFetch(options: MetadataFetchOptions = {}) {
  const allow = options.allowAddress ?? isPublicAddress;
  const maxBytes = options.maxBytes ?? 16 * 1024;
  const timeoutMs = options.timeoutMs ?? 5000;

  const guardedLookup = (hostname: string, lookupOptions: { all?: boolean }, callback: LookupCallback) => {
    dnsLookup(hostname, { all: true }, (error, addresses) => {
      if (error !== null) {
        callback(error, '');
        return;
      }
      const blocked = addresses.find((a) => !allow(a.address));
      if (blocked !== undefined || addresses.length === 0) {
        callback(new Error('host resolves to a non-public address'), '');
        return;
      }
      if (lookupOptions.all === true) {
        callback(null, addresses);
        return;
      }
      const [first] = addresses;
      callback(null, first?.address ?? '', first?.family);
    });
  };

  return (url: string, init: RequestInit = {}): Promise<Response> =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      if (target.protocol !== 'https:' || target.username !== '' || target.password !== '') {
        reject(new Error('only plain https URLs are fetched'));
        return;
      }
      const literal = target.hostname.replace(/^\[|\]$/g, '');
      if (ipaddr.isValid(literal) && !allow(literal)) {
        reject(new Error('address is not public'));
        return;
      }
      const request = https.request(
        target,
        {
          method: 'GET',
          headers: { accept: 'application/json', 'user-agent': 'workonward-mcp' },
          lookup: guardedLookup,
          agent: false,
          ...(options.ca !== undefined && { ca: options.ca }),
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) request.destroy(new Error('response too large'));
            else chunks.push(chunk);
          });
          response.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(response.headers))
              if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
            resolve(new Response(Buffer.concat(chunks), { status: response.statusCode ?? 502, headers }));
          });
          response.on('error', reject);
        },
      );
      const checkSocket = (socket: Socket) => {
        const remote = socket.remoteAddress;
        if (remote === undefined || !allow(remote))
          request.destroy(new Error('connected to a non-public address'));
      };
      request.on('socket', (socket: Socket) => {
        socket.once('connect', () => {
          checkSocket(socket);
        });
      });
      const timer = setTimeout(() => request.destroy(new Error('metadata fetch timed out')), timeoutMs);
      request.on('close', () => {
        clearTimeout(timer);
      });
      init.signal?.addEventListener('abort', () => request.destroy(new Error('aborted')));
      request.on('error', reject);
      request.end();
    });
}
