/** Which optional parts a filter has: one compiled query per distinct answer (see CompiledShapes). */
export function shapeOf(kind: string, parts: Record<string, unknown>): string {
  return `${kind}:${Object.entries(parts)
    .filter(([, value]) => value !== undefined)
    .map(([name]) => name)
    .join(',')}`;
}
