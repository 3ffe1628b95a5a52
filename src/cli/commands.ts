import type { Command } from './command.js';
import { apiKeyCreateCommand, apiKeyListCommand, apiKeyRevokeCommand } from './commands/api-key.js';
import { auditExportCommand } from './commands/audit-export.js';
import { backupCommand, restoreCommand } from './commands/backup.js';
import { demoLoadCommand } from './commands/demo-load.js';
import { doctorCommand } from './commands/doctor.js';
import { importCommands } from './commands/import.js';
import { migrateCommand } from './commands/migrate.js';
import { serveCommand } from './commands/serve.js';
import { tenantCreateCommand, tenantListCommand } from './commands/tenant.js';
import { userAddCommand } from './commands/user-add.js';

/** Every CLI command, in the order `--help` lists them. Usage and docs/cli.md follow this list. */
export const COMMANDS: readonly Command[] = [
  serveCommand,
  migrateCommand,
  demoLoadCommand,
  tenantListCommand,
  tenantCreateCommand,
  userAddCommand,
  ...importCommands,
  auditExportCommand,
  backupCommand,
  restoreCommand,
  apiKeyCreateCommand,
  apiKeyListCommand,
  apiKeyRevokeCommand,
  doctorCommand,
];
