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
      const tenant = (await accountsRepository(store.db).listTenants()).find((t) => t.slug === slug);
      if (tenant === undefined)
        throw new UsageError(`No tenant ${JSON.stringify(slug)} (see \`tenant list\`).`);
      const lines: string[] = [];
      for await (const entry of exportAudit(store.db, tenant.id)) lines.push(JSON.stringify(entry));
      return { data: lines.map((line) => JSON.parse(line) as unknown), text: lines.join('\n') };
    });
  },
};
