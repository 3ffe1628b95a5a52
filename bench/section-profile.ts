/**
 * CPU profiles of chosen sections of this process only (node --cpu-prof would also profile
 * start-up and the untimed set-up, e.g. queueing the messages a delivery round sends), written as
 * `<dir>/<label>/<n>.cpuprofile`, one directory per label for bench/profile-summary.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

export interface SectionProfiler {
  /** Runs `work`, profiled when a directory was given. */
  around<T>(label: string, work: () => Promise<T>): Promise<T>;
}

export function sectionProfiler(directory: string | undefined): SectionProfiler {
  if (directory === undefined) return { around: (_label, work) => work() };
  const session = new Session();
  session.connect();
  let count = 0;
  return {
    async around(label, work) {
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      try {
        return await work();
      } finally {
        const { profile } = await session.post('Profiler.stop');
        count += 1;
        mkdirSync(path.join(directory, label), { recursive: true });
        writeFileSync(path.join(directory, label, `${count}.cpuprofile`), JSON.stringify(profile));
      }
    },
  };
}
