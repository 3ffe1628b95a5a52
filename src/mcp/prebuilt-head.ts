import { IncomingMessage, ServerResponse, validateHeaderName, validateHeaderValue } from 'node:http';
import { Socket } from 'node:net';

/**
 * A response head whose constant header lines are validated and joined once, not per response.
 * `writeHead` checks every name and value by regex, concatenates and lower-cases them on each
 * call: for the core's answers (Hono's `secureHeaders` set and a few more, 17 lines) that was
 * ~21 K instructions, 15 % of a `tools/list` (bench/README.md, issue 8 sixth and eighth passes).
 * The bytes on the wire are the same: node:http writes the status line, the listed lines in
 * order, then the lines it adds (`Date`, `Connection`, `Keep-Alive`); the constant lines are
 * put back right after the status line, where it would have written them.
 */
export interface PrebuiltHead {
  /** The whole header list, `[name, value, …]`, as `writeHead` takes it. */
  readonly list: readonly string[];
  /** The leading lines node:http only copies, as it writes them (`name: value\r\n` each). */
  readonly lines: string;
  /** The list after those: from the first header node:http acts on, given to `writeHead`. */
  readonly rest: readonly string[];
}

/**
 * Names `writeHead` does more with than copy (`matchHeader`, `processHeader` in node:http's
 * `_http_outgoing`): they change the framing or the connection, so they, and all after them,
 * still go through it.
 */
const ACTED_ON = new Set([
  'connection',
  'content-disposition',
  'content-length',
  'date',
  'expect',
  'keep-alive',
  'trailer',
  'transfer-encoding',
]);

/** Splits `list` as PrebuiltHead says; throws, as `writeHead` would, on a name or value it refuses. */
export function prebuiltHead(list: readonly string[]): PrebuiltHead {
  let lines = '';
  let split = 0;
  for (; split + 1 < list.length; split += 2) {
    const name = list[split] ?? '';
    const value = list[split + 1] ?? '';
    if (ACTED_ON.has(name.toLowerCase())) break;
    validateHeaderName(name);
    validateHeaderValue(name, value);
    lines += `${name}: ${value}\r\n`;
  }
  return { list, lines, rest: list.slice(split) };
}

type Head = { _header: unknown };

/**
 * Whether this Node keeps the head `writeHead` built as the string `_header` until the first
 * write (every release since 0.x does; it is not public API, so it is checked once, here, and
 * without it every head goes through `writeHead` whole).
 */
function headIsSpliceable(): boolean {
  const probe = new ServerResponse(new IncomingMessage(new Socket()));
  probe.writeHead(200, ['content-length', '0']);
  const head = (probe as unknown as Head)._header;
  return typeof head === 'string' && head.startsWith('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n');
}
const SPLICEABLE = headIsSpliceable();

/**
 * Writes the head with its Content-Length: `rest` through `writeHead`, the constant lines after
 * the status line. The status line ends at the head's first CRLF (node:http refuses a status
 * message with CR or LF).
 */
export function writePrebuiltHead(
  response: ServerResponse,
  status: number,
  head: PrebuiltHead,
  length: number,
): void {
  if (!SPLICEABLE) {
    response.writeHead(status, withLength(head.list, length));
    return;
  }
  response.writeHead(status, withLength(head.rest, length));
  const built = response as unknown as Head;
  const text = built._header as string;
  const afterStatus = text.indexOf('\r\n') + 2;
  built._header = text.slice(0, afterStatus) + head.lines + text.slice(afterStatus);
}

/**
 * A header list with its Content-Length, kept per length: a list's answers differ only by the
 * length of their id, and a tool's answers to the same request have one length. Bounded per list.
 */
const withLengths = new Map<readonly string[], Map<number, string[]>>();
function withLength(headers: readonly string[], length: number): string[] {
  let byLength = withLengths.get(headers);
  if (byLength === undefined) {
    byLength = new Map();
    withLengths.set(headers, byLength);
  }
  let list = byLength.get(length);
  if (list === undefined) {
    list = [...headers, 'content-length', String(length)];
    if (byLength.size < 64) byLength.set(length, list);
  }
  return list;
}
