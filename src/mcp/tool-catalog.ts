import type { Tool } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { Scope } from '../domain/scopes.js';
import type { ToolDefinition } from '../tools/define-tool.js';
import { portableSchema } from './portable-schema.js';

/**
 * The JSON Schema a tool publishes for one of its zod schemas (2020-12, as MCP requires), in the
 * portable form: no `type` arrays (see portable-schema.ts).
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Tool['inputSchema'] {
  return portableSchema(z.toJSONSchema(schema, { io, target: 'draft-2020-12' })) as Tool['inputSchema'];
}

/**
 * The wire descriptor of one tool, with ChatGPT's `securitySchemes` and status strings; with
 * `views`, its MCP Apps view too (views-negotiation.ts decides who gets it).
 */
export function describeTool(tool: ToolDefinition, views: boolean): Tool {
  const securitySchemes = [{ type: 'oauth2', scopes: [...tool.scopes] }];
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: jsonSchemaOf(tool.input, 'input'),
    outputSchema: jsonSchemaOf(tool.output, 'output'),
    annotations: { title: tool.title, ...tool.annotations },
    securitySchemes,
    _meta: {
      securitySchemes,
      // MCP Apps (io.modelcontextprotocol/ui): the view that renders this tool's result, and
      // ChatGPT's older name for the same link (oauth-and-clients.md B1: `openai/outputTemplate`).
      ...(views &&
        tool.view !== undefined && {
          ui: { resourceUri: tool.view.uri },
          'openai/outputTemplate': tool.view.uri,
        }),
      'openai/toolInvocation/invoking': tool.invoking,
      'openai/toolInvocation/invoked': tool.invoked,
    },
  } as Tool;
}

/**
 * `tools/list` answers, built once per distinct (scope set, views) and reused: converting every
 * zod schema to JSON Schema on each call is where SDK servers spend most of a `tools/list` (see
 * performance-notes.md). The list depends only on the grant's scopes and on whether the client
 * declared MCP Apps, never on the connection.
 */
export class ToolCatalog {
  private readonly descriptors: readonly { tool: ToolDefinition; plain: Tool; linked: Tool }[];
  private readonly lists = new Map<string, Tool[]>();

  constructor(tools: readonly ToolDefinition[]) {
    this.descriptors = tools.map((tool) => ({
      tool,
      plain: describeTool(tool, false),
      linked: describeTool(tool, true),
    }));
  }

  listFor(scopes: readonly Scope[], views: boolean): { tools: Tool[] } {
    // A fresh envelope per answer: the SDK stamps cache hints and _meta onto the result object.
    return { tools: this.toolsFor(scopes, views) };
  }

  private toolsFor(scopes: readonly Scope[], views: boolean): Tool[] {
    const key = `${views ? 'views' : 'text'}|${[...scopes].sort().join(' ')}`;
    let list = this.lists.get(key);
    if (list === undefined) {
      list = this.descriptors
        .filter(({ tool }) => tool.scopes.every((scope) => scopes.includes(scope)))
        .map(({ plain, linked }) => (views ? linked : plain));
      this.lists.set(key, list);
    }
    return list;
  }
}
