/** Keywords that describe a value rather than constrain it: they stay beside the `anyOf`. */
const ANNOTATIONS = new Set(['$schema', 'title', 'description', 'default', 'examples', 'deprecated']);

type Schema = Record<string, unknown>;

/**
 * The JSON Schema with every `type` array (zod writes a nullable primitive as
 * `type: ["string", "null"]`) rewritten as the equivalent `anyOf` of single types, the form zod
 * already uses for nullable objects, enums and arrays. Clients that map tool schemas onto a
 * single-type dialect (Gemini's function declarations, OpenAPI 3.0) cannot read type arrays; MCP
 * Inspector's schema-portability check reports each one. Validation is unchanged.
 */
export function portableSchema<T>(schema: T): T {
  return rewrite(schema) as T;
}

function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewrite);
  if (typeof node !== 'object' || node === null) return node;
  const schema: Schema = {};
  for (const [key, value] of Object.entries(node as Schema)) schema[key] = rewrite(value);
  if (!Array.isArray(schema.type)) return schema;
  const annotations: Schema = {};
  const constraints: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'type') continue;
    (ANNOTATIONS.has(key) ? annotations : constraints)[key] = value;
  }
  const types = schema.type as string[];
  return {
    ...annotations,
    anyOf: types.map((type) => (type === 'null' ? { type } : { type, ...constraints })),
  };
}
