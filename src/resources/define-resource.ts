import type { Scope } from '../domain/scopes.js';
import type { ToolContext } from '../tools/tool-context.js';

/** A family of MCP resources addressed by one URI template, e.g. `buildworkpro://bids/{number}`. */
export interface ResourceTemplateDefinition {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly uriTemplate: string;
  readonly variable: string;
  readonly scopes: readonly Scope[];
  /** A bounded, useful subset for `resources/list` (a tenant may hold tens of thousands of rows). */
  list(context: ToolContext): Promise<{ uri: string; name: string; title: string }[]>;
  read(key: string, context: ToolContext): Promise<unknown>;
}
