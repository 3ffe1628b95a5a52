import { exportAudit } from '../../domain/audit/audit-export.js';
import { accountsRepository } from '../../store/accounts-repository.js';
import { DomainError } from '../../domain/errors.js';
import { type Command, required, withStore } from '../command.js';

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
        // An unknown tenant is a failed command (exit 1, as docs/cli.md says), not bad usage.
        throw new DomainError('not_found', `No tenant ${JSON.stringify(slug)}.`, 'Run `tenant list`.');
      const entries: unknown[] = [];
      for await (const entry of exportAudit(store.db, tenant.id)) entries.push(entry);
      return { data: entries, text: entries.map((entry) => JSON.stringify(entry)).join('\n') };
    });
  },
};
