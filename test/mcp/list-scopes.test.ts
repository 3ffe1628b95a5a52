import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectedClient } from '../oauth/support/flow.js';
import { startOAuthServer, type OAuthTestServer } from '../oauth/support/oauth-server.js';
import { LEGACY, modern, modernHeaders, post } from './raw-http.js';

/**
 * Every list a grant can read shows only what its scopes let it use (issue 9, finding 12: prompts
 * and resource templates were listed whole), on the core's path and on the SDK's alike; and every
 * schema in the lists is portable (no `type` arrays, which single-type schema dialects cannot read).
 */
let server: OAuthTestServer;
let projectsOnly: string;
let everything: string;
beforeAll(async () => {
  server = await startOAuthServer();
  projectsOnly = (await connectedClient(server, { scopes: ['projects:read'] })).tokens.body.access_token!;
  everything = (
    await connectedClient(server, {
      scopes: ['projects:read', 'contacts:read', 'bids:read', 'bids:write'],
    })
  ).tokens.body.access_token!;
});
afterAll(() => server.stop());

const list = async (token: string, method: string, era: 'legacy' | 'modern', params = {}) => {
  const bearer = { authorization: `Bearer ${token}` };
  const answer =
    era === 'legacy'
      ? await post(`${server.url}/mcp`, JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }), {
          ...LEGACY,
          ...bearer,
        })
      : await post(`${server.url}/mcp`, modern(method, params), { ...modernHeaders(method), ...bearer });
  expect(answer.status, answer.text).toBe(200);
  return answer.body?.result ?? {};
};

const names = (items: unknown) => (items as { name: string }[]).map((item) => item.name);

describe.each(['legacy', 'modern'] as const)('lists in the %s era', (era) => {
  // A `cursor` is left to the SDK's handlers by the core: both paths are checked.
  it.each([{}, { cursor: 'x' }])(
    'hide prompts and templates the grant cannot use (params %j)',
    async (params) => {
      const prompts = await list(projectsOnly, 'prompts/list', era, params);
      expect(names(prompts.prompts)).toEqual([]);
      const templates = await list(projectsOnly, 'resources/templates/list', era, params);
      expect(names(templates.resourceTemplates)).toEqual(['project']);
      const all = await list(everything, 'prompts/list', era, params);
      expect(names(all.prompts).sort()).toEqual(['draft_bid_followup', 'summarize_open_projects']);
    },
  );

  it('publish no type arrays in any schema', async () => {
    const found: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (Array.isArray(node))
        node.forEach((item, i) => {
          walk(item, `${path}[${i}]`);
        });
      else if (typeof node === 'object' && node !== null)
        for (const [key, value] of Object.entries(node)) {
          if (key === 'type' && Array.isArray(value)) found.push(path);
          walk(value, `${path}.${key}`);
        }
    };
    for (const method of ['tools/list', 'prompts/list', 'resources/templates/list'])
      walk(await list(everything, method, era), method);
    expect(found).toEqual([]);
  });
});
