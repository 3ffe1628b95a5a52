import type { z } from 'zod';
import type { Scope } from '../domain/scopes.js';
import type { ViewDefinition } from '../views/registry.js';
import type { ToolContext } from './tool-context.js';

/**
 * One MCP tool, declared as data: its schemas double as documentation (`docs/tools.md`) and its
 * scopes decide who sees and may call it. Annotations are always explicit, because clients treat
 * a missing `readOnlyHint` as "this writes".
 */
export interface ToolDefinition<In extends z.ZodObject = z.ZodObject, Out extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  readonly title: string;
  /** Written for a model: when to use it, what it returns, what to call next. */
  readonly description: string;
  readonly input: In;
  readonly output: Out;
  readonly annotations: {
    readonly readOnlyHint: boolean;
    readonly destructiveHint: boolean;
    readonly idempotentHint: boolean;
    readonly openWorldHint: boolean;
  };
  readonly scopes: readonly Scope[];
  /** What the tool will never do, whatever it is asked (rendered into `docs/tools.md`). */
  readonly guarantees?: readonly string[];
  /** The MCP Apps view that renders this tool's `structuredContent` (text stays complete without it). */
  readonly view?: ViewDefinition;
  /** Status line shown by ChatGPT while the tool runs and after (≤ 64 characters). */
  readonly invoking: string;
  readonly invoked: string;
  run(input: z.output<In>, context: ToolContext): Promise<z.output<Out>>;
  /** The readable text block sent beside `structuredContent`. */
  text(output: z.output<Out>): string;
}

export function defineTool<In extends z.ZodObject, Out extends z.ZodObject>(
  definition: ToolDefinition<In, Out>,
): ToolDefinition<In, Out> {
  return definition;
}

export const READ_ONLY = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
} as const;
