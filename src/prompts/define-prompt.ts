import type { z } from 'zod';
import type { Scope } from '../domain/scopes.js';
import type { ToolContext } from '../tools/tool-context.js';

/** One MCP prompt: a template whose messages embed the tenant's real data at the time it is asked for. */
export interface PromptDefinition<Args extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly args: Args;
  readonly scopes: readonly Scope[];
  render(args: z.output<Args>, context: ToolContext): Promise<string>;
}

export function definePrompt<Args extends z.ZodObject>(
  definition: PromptDefinition<Args>,
): PromptDefinition<Args> {
  return definition;
}
