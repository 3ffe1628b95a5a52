import { describe, expect, it } from 'vitest';
import { CursorCodec } from '../../src/domain/crm/cursor.js';
import { KeyRing } from '../../src/lib/secrets.js';
import { Sealer } from '../../src/oauth/sealed.js';

const OLD = 'a1'.repeat(16) + 'b2'.repeat(16);
const NEW = 'c3'.repeat(16) + 'd4'.repeat(16);

describe('a key ring with WORKONWARD_MCP_OAUTH_SIGNING_KEY_PREVIOUS', () => {
  it('accepts a cursor the previous key made, and refuses it once the previous key is gone', () => {
    const cursor = new CursorCodec(new KeyRing(OLD)).encode('t1', 'projects', { after: 7 });
    expect(new CursorCodec(new KeyRing(NEW, OLD)).decode('t1', 'projects', cursor)).toEqual({ after: 7 });
    expect(() => new CursorCodec(new KeyRing(NEW)).decode('t1', 'projects', cursor)).toThrow(/cursor/);
  });

  it('opens what the previous key sealed, says so, and seals anew under the current key only', () => {
    const sealed = new Sealer(new KeyRing(OLD), 'p').seal('secret');
    const both = new Sealer(new KeyRing(NEW, OLD), 'p');
    expect(both.tryOpen(sealed)).toEqual({ plaintext: 'secret', under: 'previous' });
    const resealed = both.seal('secret');
    expect(both.tryOpen(resealed)?.under).toBe('current');
    expect(new Sealer(new KeyRing(OLD), 'p').tryOpen(resealed)).toBeUndefined();
    expect(() => new Sealer(new KeyRing(NEW), 'p').open(sealed)).toThrow();
  });
});
