/** The request headers the MCP core reads (node:http's lower-case names). */
export interface CoreHeaders {
  host: string | undefined;
  origin: string | undefined;
  'content-type': string | undefined;
  'content-length': string | undefined;
  accept: string | undefined;
  authorization: string | undefined;
  'accept-encoding': string | undefined;
  'mcp-session-id': string | undefined;
  'last-event-id': string | undefined;
  'mcp-protocol-version': string | undefined;
  'mcp-method': string | undefined;
  'mcp-name': string | undefined;
}
type Name = keyof CoreHeaders;

export const CORE_HEADER_NAMES: readonly Name[] = [
  'host',
  'origin',
  'content-type',
  'content-length',
  'accept',
  'authorization',
  'accept-encoding',
  'mcp-session-id',
  'last-event-id',
  'mcp-protocol-version',
  'mcp-method',
  'mcp-name',
];
/**
 * Headers that must appear once for the core to read them the way the web-standard path does
 * (node:http keeps the first of some and joins others; the Fetch API joins all).
 */
export const SINGLE_HEADERS: ReadonlySet<string> = new Set<Name>([
  'authorization',
  'host',
  'origin',
  'content-type',
  'accept',
  'content-length',
]);
const titleCase = (name: string) => name.replace(/(^|-)[a-z]/g, (start) => start.toUpperCase());
/** Each name as clients spell it (lower case, as HTTP/2 and undici send, or title case) → its index. */
const SPELLED: ReadonlyMap<string, number> = new Map(
  CORE_HEADER_NAMES.flatMap((name, index) => [[name, index] as const, [titleCase(name), index] as const]),
);
/** Per index of CORE_HEADER_NAMES, whether it is one of SINGLE_HEADERS. */
const SINGLE = CORE_HEADER_NAMES.map((name) => SINGLE_HEADERS.has(name));

/**
 * The headers the core reads, from `request.rawHeaders` in one pass, with the values
 * `request.headers` has for them: a repeated header is joined with ", " as node:http joins these
 * (never one of SINGLE_HEADERS: a request repeating one of those is undefined, and handed on).
 * The same pass finds the repeats, which took one of its own (every name lower-cased into a Set),
 * and the core's dozen reads are of one small object of fixed shape, not of node:http's
 * dictionary of every header (bench/README.md, issue 8 sixth pass). Values are gathered by
 * index in an array and the object made once at the end: stored by a name that varies, each
 * store and read was a megamorphic keyed access (issue 8, eighth pass).
 */
export function coreHeaders(raw: readonly string[]): CoreHeaders | undefined {
  // A literal, so a packed array of one shape every request (one value per CORE_HEADER_NAMES).
  const u = undefined;
  const values: (string | undefined)[] = [u, u, u, u, u, u, u, u, u, u, u, u];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const spelled = raw[i] ?? '';
    const index = SPELLED.get(spelled) ?? SPELLED.get(spelled.toLowerCase());
    if (index === undefined) continue;
    const value = raw[i + 1] ?? '';
    const before = values[index];
    if (before === undefined) values[index] = value;
    else if (SINGLE[index] === true) return undefined;
    else values[index] = `${before}, ${value}`;
  }
  // Indices in CORE_HEADER_NAMES' order; test/mcp/core-headers.test.ts reads each against node:http.
  return {
    host: values[0],
    origin: values[1],
    'content-type': values[2],
    'content-length': values[3],
    accept: values[4],
    authorization: values[5],
    'accept-encoding': values[6],
    'mcp-session-id': values[7],
    'last-event-id': values[8],
    'mcp-protocol-version': values[9],
    'mcp-method': values[10],
    'mcp-name': values[11],
  };
}
