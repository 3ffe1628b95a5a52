import { assemble } from './assemble.js';
import { combinationProblems } from './combinations.js';
import type { Config } from './config.js';
import { deriveSettings } from './derived.js';
import { type ParsedVariables, type VariableName, type VariableSpec, variables } from './variables.js';

/** Thrown with every configuration problem at once, each naming its variable and its fix. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n- ${problems.join('\n- ')}`,
    );
    this.name = 'ConfigError';
  }
}

/** Reads the `WORKONWARD_*` environment, reporting every problem at once. Empty strings count as unset. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const raw = Object.fromEntries(
    Object.keys(variables).map((name) => [name, env[name] === '' ? undefined : env[name]]),
  );
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(variables) as [VariableName, VariableSpec][]) {
    const result = spec.schema.safeParse(raw[name]);
    if (result.success) {
      values[name] = result.data;
      continue;
    }
    const shown = spec.secret === true ? '' : ` (got ${JSON.stringify(raw[name])})`;
    for (const issue of result.error.issues)
      problems.push(`${name}: ${issue.message}${shown}. Fix: ${spec.fix}`);
    // Check the rest against this variable's default, so one bad value hides no other problem.
    const fallback = spec.schema.safeParse(undefined);
    values[name] = fallback.success ? fallback.data : undefined;
  }
  const parsed = values as ParsedVariables;
  const derived = deriveSettings(parsed);
  problems.push(...combinationProblems(parsed, derived));
  const config = assemble(parsed, derived, raw);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
