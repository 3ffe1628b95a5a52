import { type SpecTypeName, specTypeSchemas } from '@modelcontextprotocol/server';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FINE, paramsVerdict } from '../../src/mcp/params-verdict.js';

/**
 * The core's params verdict (src/mcp/params-verdict.ts) against the SDK's own request schemas,
 * the reference: a refusal is only ever of params the SDK's schema refuses too, naming the
 * top-level param its first issue names; params the core answers, the schema accepts. (Over HTTP
 * and stdio both paths refuse with the verdict, so the differential tests compare it with
 * itself; this test is where it meets the SDK's schemas.)
 */
const SCHEMAS: Readonly<Record<string, SpecTypeName>> = {
  initialize: 'InitializeRequest',
  'tools/list': 'ListToolsRequest',
  'tools/call': 'CallToolRequest',
  'prompts/list': 'ListPromptsRequest',
  'prompts/get': 'GetPromptRequest',
  'resources/list': 'ListResourcesRequest',
  'resources/templates/list': 'ListResourceTemplatesRequest',
  'resources/read': 'ReadResourceRequest',
  'logging/setLevel': 'SetLevelRequest',
};

const hostile = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom<unknown>(null, [], {}, '', 5, true, ['x'], { name: 'x' }, { a: 1 }),
);
/** Mostly the right type for each param, sometimes anything. */
const PARAM_VALUES: Readonly<Record<string, fc.Arbitrary<unknown>>> = {
  cursor: fc.string({ maxLength: 8 }),
  uri: fc.constantFrom('buildworkpro://bids/123', 'ui://workonward/bid-detail.html', 'x', ''),
  name: fc.constantFrom('draft_bid_followup', 'bids.list', 'nope'),
  arguments: fc.dictionary(fc.constantFrom('bid', 'audience', 'x'), fc.string({ maxLength: 4 })),
  protocolVersion: fc.constantFrom('2025-06-18', '2025-11-25', '2099-01-01', 'garbage'),
  capabilities: fc.constantFrom({}, { elicitation: {} }, { roots: { listChanged: true } }),
  clientInfo: fc.oneof(
    fc.constantFrom({ name: 'c', version: '1' }, { name: 'c', version: '1', title: 'C' }),
    fc.record(
      { name: fc.oneof(fc.string(), hostile), version: fc.oneof(fc.string(), hostile), title: hostile },
      { requiredKeys: [] },
    ),
  ),
  level: fc.constantFrom('debug', 'info', 'warning', 'emergency', 'loud', 'DEBUG'),
};
const KEYS: Readonly<Record<string, readonly string[]>> = {
  initialize: ['protocolVersion', 'capabilities', 'clientInfo'],
  'tools/list': ['cursor'],
  'tools/call': ['name', 'arguments'],
  'prompts/list': ['cursor'],
  'prompts/get': ['name', 'arguments'],
  'resources/list': ['cursor'],
  'resources/templates/list': ['cursor'],
  'resources/read': ['uri'],
  'logging/setLevel': ['level'],
};

/** A request as it arrives: parsed from JSON (so every object has Object.prototype). */
const request = fc.constantFrom(...Object.keys(SCHEMAS)).chain((method) =>
  fc
    .record({
      method: fc.constant(method),
      params: fc.oneof(
        { weight: 1, arbitrary: fc.constant(undefined) },
        {
          weight: 12,
          arbitrary: fc.record(
            Object.fromEntries(
              (KEYS[method] ?? []).map((key) => [
                key,
                fc.oneof(
                  { weight: 3, arbitrary: PARAM_VALUES[key] ?? hostile },
                  { weight: 1, arbitrary: hostile },
                ),
              ]),
            ),
            { requiredKeys: [] },
          ),
        },
      ),
    })
    .map((generated) => JSON.parse(JSON.stringify(generated)) as { method: string; params?: unknown }),
);

/** The SDK schema's issues with a request (none when it accepts it). */
function issuesOf(method: string, params: unknown) {
  const schema = specTypeSchemas[SCHEMAS[method] as SpecTypeName];
  const outcome = schema['~standard'].validate({ method, ...(params !== undefined && { params }) });
  return (outcome.issues ?? []).map((issue) =>
    issue.path?.map((segment) => (typeof segment === 'object' ? segment.key : segment)),
  );
}

/** The top-level param a refusal names first (`cursor must be…`, `clientInfo.name must be…`). */
const namedParam = (refusal: string) => /^[A-Za-z]+/.exec(refusal)?.[0];

describe('the params verdict agrees with the SDK schemas', () => {
  it('refuses only what the SDK refuses, naming the same param; answers only what it accepts', () => {
    const seen = { refused: 0, fine: 0 };
    fc.assert(
      fc.property(request, ({ method, params }) => {
        const verdict = paramsVerdict(method, params as Record<string, unknown> | undefined);
        const issues = issuesOf(method, params);
        if (typeof verdict === 'object') {
          seen.refused += 1;
          expect(issues.length, verdict.refusal).toBeGreaterThan(0);
          const path = issues[0] ?? [];
          expect(namedParam(verdict.refusal)).toBe(path.length > 1 ? path[1] : 'params');
        } else if (verdict === FINE && method !== 'initialize') {
          seen.fine += 1;
          expect(issues).toEqual([]);
        }
      }),
      { seed: 20261205, numRuns: 5000 },
    );
    expect(seen.refused).toBeGreaterThan(500);
    expect(seen.fine).toBeGreaterThan(500);
  });

  it('answers an initialize the SDK schema accepts (deeper capabilities are the SDK’s to judge)', () => {
    const params = {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 'c', version: '1' },
    };
    expect(paramsVerdict('initialize', params)).toBe(FINE);
    expect(issuesOf('initialize', params)).toEqual([]);
  });
});
