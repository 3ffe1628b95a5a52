import type { Config } from '../config/config.js';
import type { ToolDefinition } from './define-tool.js';

/** The operator switch: `send_batch_email` exists only when `WORKONWARD_MCP_BATCH_SEND=1`. */
export function offeredTools(tools: readonly ToolDefinition[], config: Config): ToolDefinition[] {
  return tools.filter((tool) => tool.name !== 'send_batch_email' || config.mail.batchEnabled);
}
