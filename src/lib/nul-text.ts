/**
 * U+0000 in text: PostgreSQL `text` cannot hold it (the driver's query fails with "invalid byte
 * sequence"), while SQLite would store it. No field of ours has a use for it, so every face
 * refuses it as bad input before anything reaches a store, the same on both databases.
 */
export const NUL = '\u0000';

/** How a refusal names the character, for people and models alike. */
export const NUL_NAME = 'a NUL character (\\u0000)';

/**
 * What makes `value` unfit before any schema sees it: a NUL in a string or an object key, or,
 * with `maxDepth`, nesting deeper than that. Walked without recursion; `where` names the value in
 * the answer (`body.items.0.subject contains a NUL character (\u0000)`).
 */
export function unfitInput(value: unknown, where: string, maxDepth = Infinity): string | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: where, depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (typeof item.value === 'string') {
      if (item.value.includes(NUL)) return `${item.path} contains ${NUL_NAME}`;
      continue;
    }
    if (typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth >= maxDepth) return `${where} is nested more than ${maxDepth} levels deep`;
    for (const [key, child] of Object.entries(item.value)) {
      if (key.includes(NUL)) return `a key in ${item.path} contains ${NUL_NAME}`;
      stack.push({ value: child, path: `${item.path}.${key}`, depth: item.depth + 1 });
    }
  }
  return undefined;
}
