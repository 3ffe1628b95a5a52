import { describe, expect, it } from 'vitest';
import { appendAudit } from '../../src/domain/audit/audit-log.js';
import { exportAudit } from '../../src/domain/audit/audit-export.js';
import { fixedClock } from '../../src/lib/clock.js';
import { createTestStore } from '../support/stores.js';
import { addTenant } from './mail-fixture.js';

describe('audit export', () => {
  it('exports every entry of one tenant exactly once, oldest first, across pages sharing one timestamp', async () => {
    const store = await createTestStore('sqlite');
    try {
      const a = await addTenant(store, 'a');
      const b = await addTenant(store, 'b');
      const clock = fixedClock('2026-11-21T12:00:00Z');
      for (let i = 0; i < 2100; i += 1)
        await appendAudit(store.db, clock, {
          tenantId: i % 7 === 0 ? b.tenantId : a.tenantId,
          userId: null,
          clientId: null,
          action: 'email.send_email',
          decision: 'queued',
          details: { recipients: ['person@gitdate.ink'], i },
        });
      const entries = [];
      for await (const entry of exportAudit(store.db, a.tenantId)) entries.push(entry);
      expect(entries).toHaveLength(1800);
      expect(new Set(entries.map((e) => e.id)).size).toBe(1800);
      expect(entries.every((e) => e.tenant_id === a.tenantId)).toBe(true);
      expect(entries[0]?.details).toMatchObject({ recipients: ['person@gitdate.ink'] });
    } finally {
      await store.close();
    }
  });
});
