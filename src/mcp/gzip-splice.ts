import { constants, crc32, deflateRawSync } from 'node:zlib';

/**
 * A gzip body for `head + id + tail` where `head` (a list of ~55 KB) is compressed once and only
 * the few bytes after it change per request. `head` is stored as raw deflate blocks ended by a
 * sync flush (byte-aligned, not final); the id and `tail` follow as one final *stored* block
 * (uncompressed), and the trailer's CRC-32 continues from `head`'s, so a request costs a CRC of a
 * few bytes, not a compression. The result is one ordinary gzip member (RFC 1952, deflate per
 * RFC 1951 §3.2.4), which every inflater reads.
 */
export interface GzipHead {
  /** gzip header + `head`'s deflate blocks. */
  readonly prefix: Buffer;
  readonly crc: number;
  readonly size: number;
}

const HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);

export function gzipHead(head: Buffer): GzipHead {
  const blocks = deflateRawSync(head, { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  return { prefix: Buffer.concat([HEADER, blocks]), crc: crc32(head), size: head.length };
}

/** The rest of the gzip member after `prefix`: a final stored block of `rest`, CRC-32 and size. */
export function gzipRest(head: GzipHead, rest: Buffer): Buffer {
  // A stored block holds at most 65,535 bytes; the rest here is an id and a bracket or two.
  if (rest.length > 0xffff) throw new RangeError('gzipRest: the rest must fit one stored block');
  // Every byte is written below, so an unzeroed (pooled) buffer is safe and saves an allocation.
  const out = Buffer.allocUnsafe(5 + rest.length + 8);
  out[0] = 0x01; // BFINAL = 1, BTYPE = 00 (stored); the remaining bits pad to the byte
  out.writeUInt16LE(rest.length, 1);
  out.writeUInt16LE(~rest.length & 0xffff, 3);
  rest.copy(out, 5);
  out.writeUInt32LE(crc32(rest, head.crc) >>> 0, 5 + rest.length);
  out.writeUInt32LE((head.size + rest.length) % 0x1_0000_0000, 9 + rest.length);
  return out;
}

/** The last header judged, as a client sends the same `Accept-Encoding` on every request. */
let last: { readonly header: string; readonly gzip: boolean } | undefined;

/** Whether `Accept-Encoding` admits gzip: listed (or `*` when it is not) with q above 0. */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  if (last?.header !== header) last = { header, gzip: weighsGzip(header) };
  return last.gzip;
}

function weighsGzip(header: string): boolean {
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [coding = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    weights.set(coding, q === undefined ? 1 : Number(q.slice(2)));
  }
  const weight = weights.get('gzip') ?? weights.get('x-gzip') ?? weights.get('*') ?? 0;
  return weight > 0;
}
