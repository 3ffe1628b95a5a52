import { z } from 'zod';
import type { Scope } from '../domain/scopes.js';
import type { PromptDefinition } from '../prompts/define-prompt.js';
import type { ResourceTemplateDefinition } from '../resources/define-resource.js';
import { portableSchema } from './portable-schema.js';

/**
 * `prompts/list` and `resources/templates/list` for one grant: only what its scopes let it use,
 * as `tools/list` already is (issue 9, finding 12). Read by the SDK server's handlers and by the
 * core's pre-serialised lists, so the two answers are the same.
 */
export function promptsFor(prompts: readonly PromptDefinition[], scopes: readonly Scope[]) {
  return {
    prompts: prompts
      .filter((prompt) => prompt.scopes.every((scope) => scopes.includes(scope)))
      .map((prompt) => ({
        name: prompt.name,
        title: prompt.title,
        description: prompt.description,
        arguments: promptArguments(prompt.args),
      })),
  };
}

export function templatesFor(resources: readonly ResourceTemplateDefinition[], scopes: readonly Scope[]) {
  return {
    resourceTemplates: resources
      .filter((resource) => resource.scopes.every((scope) => scopes.includes(scope)))
      .map((resource) => ({
        name: resource.name,
        uriTemplate: resource.uriTemplate,
        title: resource.title,
        description: resource.description,
        mimeType: 'application/json',
      })),
  };
}

/** A prompt's arguments as MCP lists them: each property of its input schema, and whether it is required. */
function promptArguments(args: z.ZodObject) {
  const schema = portableSchema(z.toJSONSchema(args, { io: 'input', target: 'draft-2020-12' })) as {
    properties?: Record<string, { description?: string }>;
    required?: string[];
  };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    description: property.description,
    required: (schema.required ?? []).includes(name),
  }));
}
