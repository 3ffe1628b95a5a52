import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import type { EmailTool } from '../domain/mail/deps.js';
import type { ToolDefinition } from '../tools/define-tool.js';
import type { ToolContext } from '../tools/tool-context.js';

const EMAIL_TOOLS: ReadonlySet<string> = new Set<EmailTool>([
  'validate_recipients',
  'preview_send',
  'send_email',
  'send_batch_email',
  'get_send_status',
]);

/**
 * The tool's schema as handed to the SDK: the same JSON Schema, but arguments pass through
 * unchecked, so the tool's handler sees every call — also one its schema refuses, which an email
 * tool must audit (docs/email.md: refusals are audited; issue 7 item 6). `checkedInput` then
 * refuses it exactly as the SDK would have.
 */
export function uncheckedInput<S extends z.ZodType>(schema: S): S {
  const standard = schema['~standard'];
  return { '~standard': { ...standard, validate: (value: unknown) => ({ value }) } } as unknown as S;
}

/** One zod issue as the SDK words it (`path.to.field: message`). */
export function formatIssue(issue: z.core.$ZodIssue): string {
  if (issue.path.length === 0) return issue.message;
  return `${issue.path.map(String).join('.')}: ${issue.message}`;
}

/**
 * The arguments parsed by the tool's schema; a refusal is the SDK's own "Input validation error"
 * (a tool result with isError), after an email tool recorded it in the audit log.
 */
export async function checkedInput(
  tool: ToolDefinition,
  args: unknown,
  context: () => ToolContext,
): Promise<Parameters<ToolDefinition['run']>[0]> {
  const parsed = tool.input.safeParse(args ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(formatIssue);
  if (EMAIL_TOOLS.has(tool.name)) await context().mail.refuseInput(tool.name as EmailTool, problems);
  throw new ProtocolError(
    ProtocolErrorCode.InvalidParams,
    `Input validation error: Invalid arguments for tool ${tool.name}: ${problems.join(', ')}`,
  );
}
