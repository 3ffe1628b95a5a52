/**
 * The seeded bench tenant that `npm run bench:tools` generates once a day into bench/results
 * (bench/run.ts); the tools that load one target at a time (tail.ts, wrk-ab.ts) serve it too.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export function todaysBenchDatabase(sourceRoot: string): string {
  const file = path.join(
    sourceRoot,
    'bench',
    'results',
    `bench-${new Date().toISOString().slice(0, 10)}.sqlite`,
  );
  if (!existsSync(file)) throw new Error(`no ${file}: run npm run bench:tools once today first`);
  return file;
}
