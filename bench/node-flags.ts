/**
 * The Node flags the production image runs the server with (the Dockerfile's CMD: V8's young
 * generation), read from it so the benchmark measures what ships. Every bench server child gets
 * them, the echo and the by-hand targets too, so the ratios compare the work and not the GC
 * settings; with `--expose-gc` so the runner can force a full GC before reading RSS.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function imageNodeFlags(sourceRoot: string): string[] {
  return (
    JSON.parse(
      /^CMD (\[.*\])$/m.exec(readFileSync(path.join(sourceRoot, 'Dockerfile'), 'utf8'))?.[1] ?? '[]',
    ) as string[]
  ).filter((argument) => argument.startsWith('--'));
}
