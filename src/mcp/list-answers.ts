import type { Scope } from '../domain/scopes.js';
import type { McpSurface } from './build-server.js';
import type { Era } from './fast-envelope.js';
import { type GzipHead, gzipHead } from './gzip-splice.js';
import { promptsFor, templatesFor } from './surface-lists.js';
import { CACHE_HINTS, CAPABILITIES, INSTRUCTIONS, serverInfo } from './server-identity.js';

const SERVER_INFO_KEY = 'io.modelcontextprotocol/serverInfo';
export type ListMethod = 'tools/list' | 'prompts/list' | 'resources/templates/list' | 'server/discover';
/** Below this, gzip saves too little to be worth a second encoding (its framing is ~30 bytes). */
const GZIP_FROM = 2048;

type FramedByMethod = Map<ListMethod, FramedAnswer>;

export const LIST_METHODS: ReadonlySet<string> = new Set<ListMethod>([
  'tools/list',
  'prompts/list',
  'resources/templates/list',
  'server/discover',
]);

/**
 * A whole HTTP answer but for the request id: the body is `head`, the id as JSON, `tail` —
 * framed for its era (one SSE frame for 2025-era requests, JSON for 2026-07-28), so a list of
 * ~55 KB is written from the same bytes every time, never re-serialised or re-encoded.
 */
export interface FramedAnswer {
  readonly head: Buffer;
  /** What follows the id: the JSON-RPC object's end (and the SSE frame's). */
  readonly tail: string;
  /**
   * `head` gzip-compressed once, for clients that accept gzip (see gzip-splice.ts); absent for
   * answers too small to gain from it (`server/discover`, short lists).
   */
  readonly gzip: GzipHead | undefined;
}

/**
 * The answers that depend only on the era and the grant's scopes — `tools/list`, `prompts/list`,
 * `resources/templates/list`, `server/discover` — and, for `tools/list`, on whether the client
 * declared MCP Apps (views-negotiation.ts), serialised once per (method, era, views, scope set)
 * and served as the same string afterwards: converting zod schemas to JSON Schema per call is
 * where SDK servers spend most of a list (performance-notes.md). Built from the same surface the
 * SDK server registers, so a tool, prompt or template added there appears here too.
 */
export class ListAnswers {
  private readonly serialised = new Map<string, string>();
  /**
   * A scope set's key → its framed answers by era, by whether they link views, by method: looked
   * up without making a key string per request (one of ~150 characters, hashed each time).
   */
  private readonly framedAnswers = new Map<string, Record<Era, [FramedByMethod, FramedByMethod]>>();
  /** A grant's scope list → its key (cached principals keep one array, so this is one lookup). */
  private readonly scopeKeys = new WeakMap<readonly Scope[], string>();
  private readonly info: ReturnType<typeof serverInfo>;
  /** The `_meta` of a result that had none: serverInfo alone (only ever serialised). */
  private readonly infoMeta: Readonly<Record<string, unknown>>;

  constructor(
    private readonly surface: McpSurface,
    version: string,
  ) {
    this.info = serverInfo(version);
    this.infoMeta = { [SERVER_INFO_KEY]: this.info };
  }

  /** The result JSON (the value of `result`, without the JSON-RPC envelope). */
  resultJson(method: ListMethod, era: Era, scopes: readonly Scope[], views: boolean): string {
    const key = this.keyOf(method, era, scopes, views);
    let json = this.serialised.get(key);
    if (json === undefined) {
      json = JSON.stringify(
        this.stamp(method, era, this.build(method, scopes, method === 'tools/list' && views)),
      );
      this.serialised.set(key, json);
    }
    return json;
  }

  /** The answer's bytes around its id (see FramedAnswer), built once per list key. */
  framed(method: ListMethod, era: Era, scopes: readonly Scope[], views: boolean): FramedAnswer {
    const scopeKey = this.scopeKeyOf(scopes);
    let ofScopes = this.framedAnswers.get(scopeKey);
    if (ofScopes === undefined) {
      const maps = (): [FramedByMethod, FramedByMethod] => [
        new Map<ListMethod, FramedAnswer>(),
        new Map<ListMethod, FramedAnswer>(),
      ];
      ofScopes = { legacy: maps(), modern: maps() };
      this.framedAnswers.set(scopeKey, ofScopes);
    }
    const byMethod = ofScopes[era][method === 'tools/list' && views ? 1 : 0];
    let framed = byMethod.get(method);
    if (framed === undefined) {
      const json = `{"result":${this.resultJson(method, era, scopes, views)},"jsonrpc":"2.0","id":`;
      const head = Buffer.from(era === 'legacy' ? `event: message\ndata: ${json}` : json);
      framed = {
        head,
        tail: era === 'legacy' ? '}\n\n' : '}',
        gzip: head.length >= GZIP_FROM ? gzipHead(head) : undefined,
      };
      byMethod.set(method, framed);
    }
    return framed;
  }

  /** Only tools/list differs with views; the other lists keep one entry per scope set. */
  private keyOf(method: ListMethod, era: Era, scopes: readonly Scope[], views: boolean): string {
    const viewsKey = method === 'tools/list' && views ? 'views' : 'text';
    return `${method}|${era}|${viewsKey}|${this.scopeKeyOf(scopes)}`;
  }

  private scopeKeyOf(scopes: readonly Scope[]): string {
    let scopeKey = this.scopeKeys.get(scopes);
    if (scopeKey === undefined) {
      scopeKey = [...scopes].sort().join(' ');
      this.scopeKeys.set(scopes, scopeKey);
    }
    return scopeKey;
  }

  /** 2026-07-28 results carry resultType, their cache hints and serverInfo (B26, C26). */
  modernMeta(result: Record<string, unknown>): Record<string, unknown> {
    const meta = result._meta as Record<string, unknown> | undefined;
    return { ...result, resultType: 'complete', _meta: { ...meta, [SERVER_INFO_KEY]: this.info } };
  }

  /**
   * `modernMeta` for a result made for this one answer (a tool call's, serialised at once): the
   * two keys are added to it, last, as the copy would have them, so the JSON is the same. The
   * spread copy of every 2026-07-28 tool result was promoted to the old generation, ~215 B per
   * call more than the 2025 era (bench/README.md, issue 8 fifth pass).
   */
  modernOwned(result: Record<string, unknown>): Record<string, unknown> {
    if (Object.hasOwn(result, '_meta') || Object.hasOwn(result, 'resultType')) return this.modernMeta(result);
    result.resultType = 'complete';
    result._meta = this.infoMeta;
    return result;
  }

  private stamp(method: ListMethod, era: Era, result: Record<string, unknown>): Record<string, unknown> {
    if (era === 'legacy') return result;
    return this.modernMeta({ ...result, ...CACHE_HINTS[method] });
  }

  private build(method: ListMethod, scopes: readonly Scope[], views: boolean): Record<string, unknown> {
    switch (method) {
      case 'tools/list':
        return this.surface.catalog.listFor(scopes, views);
      case 'prompts/list':
        return promptsFor(this.surface.prompts, scopes);
      case 'resources/templates/list':
        return templatesFor(this.surface.resources, scopes);
      case 'server/discover':
        return { supportedVersions: ['2026-07-28'], capabilities: CAPABILITIES, instructions: INSTRUCTIONS };
    }
  }
}
