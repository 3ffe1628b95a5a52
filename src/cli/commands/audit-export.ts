import { exportAudit } from '../../domain/audit/audit-export.js';
import { accountsRepository } from '../../store/accounts-repository.js';
import { type Command, required, UsageError, withStore } from '../command.js';

/** `audit export --tenant SLUG`: the tenant's whole audit log as JSON lines, oldest first, on stdout. */
export const auditExportCommand: Command = {
  words: ['audit', 'export'],
  options: '--tenant SLUG',
  summary: 'Export a tenant’s audit log (email sends, refusals, sign-ins) as JSON lines',
  run: ({ config, options }) => {
    const slug = required(options.tenant, '--tenant');
    return withStore(config, async (store) => {
      const tenant = await accountsRepository(store.db).findTenantBySlug(slug);
      if (tenant === undefined)
        throw new UsageError(`No tenant ${JSON.stringify(slug)} (see \`tenant list\`).`);
      const entries: unknown[] = [];
      for await (const entry of exportAudit(store.db, tenant.id)) entries.push(entry);
      return { data: entries, text: entries.map((entry) => JSON.stringify(entry)).join('\n') };
    });
  },
};
