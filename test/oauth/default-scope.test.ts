import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { describe, expect, it } from 'vitest';
import { ALL_SCOPES } from '../../src/domain/scopes.js';
import { defaultScope } from '../../src/oauth/default-scope.js';

/** Runs the middleware on an authorization request naming no scope; answers the scope it passes on. */
async function scopeFor(findClient: (id: string) => Promise<{ scope?: string } | undefined>) {
  const ctx = {
    path: '/oauth/authorize',
    method: 'GET',
    req: { url: '/oauth/authorize?client_id=c1&response_type=code' },
  } as unknown as KoaContextWithOIDC & { req: { url: string } };
  await defaultScope(findClient)(ctx, async () => {});
  return new URL(ctx.req.url, 'http://x').searchParams.get('scope')?.split(' ');
}

describe('the default scope of a request that names none', () => {
  it("is the client's registered set, or the full set for a client without one", async () => {
    expect(await scopeFor(() => Promise.resolve({ scope: 'projects:read openid' }))).toEqual([
      'projects:read',
    ]);
    expect(await scopeFor(() => Promise.resolve({}))).toEqual([...ALL_SCOPES]);
  });

  it('is the full set for a client the engine refuses, which then answers with its own error', async () => {
    expect(await scopeFor(() => Promise.resolve(undefined))).toEqual([...ALL_SCOPES]);
    const refusals = [
      new errors.InvalidClient('client_id metadata document fetch failed'),
      new errors.InvalidClientMetadata('client_id metadata document is not a JSON object'),
    ];
    for (const refusal of refusals)
      expect(await scopeFor(() => Promise.reject(refusal))).toEqual([...ALL_SCOPES]);
  });

  it('is not guessed when the store cannot be read: the fault surfaces', async () => {
    const down = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    await expect(scopeFor(() => Promise.reject(down))).rejects.toBe(down);
  });
});
