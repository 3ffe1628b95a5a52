/**
 * How the production image starts the server process, read from the Dockerfile so the benchmark
 * measures what ships: the Node flags of its CMD (V8's young generation) and the C library's
 * malloc settings of its ENV (`MALLOC_*`: how many arenas glibc keeps). Every bench server child
 * gets both, the echo and the by-hand targets too, so the ratios compare the work and not the GC
 * or allocator settings; with `--expose-gc` so the runner can force a full GC before reading RSS.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const dockerfile = (sourceRoot: string) => readFileSync(path.join(sourceRoot, 'Dockerfile'), 'utf8');

export function imageNodeFlags(sourceRoot: string): string[] {
  return (JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile(sourceRoot))?.[1] ?? '[]') as string[]).filter(
    (argument) => argument.startsWith('--'),
  );
}

/** The image's `ENV NAME=value` settings of glibc's malloc (the app's own are set by each bench). */
export function imageMallocEnvironment(sourceRoot: string): Record<string, string> {
  // One ENV instruction may run over several lines, each but the last ending in a backslash.
  const instructions = dockerfile(sourceRoot).replace(/\\\n/g, ' ').split('\n');
  return Object.fromEntries(
    instructions
      .filter((line) => line.startsWith('ENV '))
      .flatMap((line) => line.slice('ENV '.length).trim().split(/\s+/))
      .filter((setting) => setting.startsWith('MALLOC_') && setting.includes('='))
      .map((setting) => [setting.slice(0, setting.indexOf('=')), setting.slice(setting.indexOf('=') + 1)]),
  );
}
