/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): the top functions by self time, and
 * self time grouped by where the code lives (a node_modules package, our src/, Node internals).
 *
 *   node --import tsx bench/profile-summary.ts bench/results/profiles [top]
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function placeOf(url: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1] !== undefined) return pkg[1];
  if (url.includes('/src/')) return `src/${url.split('/src/')[1]?.split('/')[0] ?? ''}`;
  if (url.startsWith('node:')) return 'node internals';
  if (url === '') return '(native / gc / idle)';
  return path.basename(url);
}

export function summariseProfile(directory: string, top = 25): string {
  const files = readdirSync(directory).filter((file) => file.endsWith('.cpuprofile'));
  const self = new Map<number, number>();
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(path.join(directory, file), 'utf8')) as Profile;
    self.clear();
    profile.samples.forEach((id, index) => {
      self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
    });
    for (const node of profile.nodes) {
      const micros = self.get(node.id) ?? 0;
      if (micros === 0) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      if (functionName === '(idle)' || functionName === '(program)') {
        idle += micros;
        continue;
      }
      total += micros;
      const where =
        url === ''
          ? ''
          : ` ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/src\//, 'src/')}:${lineNumber + 1}`;
      const key = `${functionName || '(anonymous)'}${where}`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
      const place = functionName === '(garbage collector)' ? '(garbage collector)' : placeOf(url);
      byPlace.set(place, (byPlace.get(place) ?? 0) + micros);
    }
  }
  const percent = (micros: number) => `${((100 * micros) / total).toFixed(1).padStart(5)}%`;
  const lines = [
    `${files.length} profile(s); busy ${(total / 1e6).toFixed(1)} s, idle/program ${(idle / 1e6).toFixed(1)} s`,
  ];
  lines.push('', 'self time by place:');
  for (const [place, micros] of [...byPlace].sort((x, y) => y[1] - x[1]).slice(0, 15))
    lines.push(`  ${percent(micros)}  ${place}`);
  lines.push('', `top ${top} functions by self time:`);
  for (const [name, micros] of [...byFunction].sort((x, y) => y[1] - x[1]).slice(0, top))
    lines.push(`  ${percent(micros)}  ${name}`);
  return lines.join('\n');
}

if (process.argv[1] !== undefined && import.meta.filename === path.resolve(process.argv[1])) {
  console.log(summariseProfile(process.argv[2] ?? 'bench/results/profiles', Number(process.argv[3] ?? 25)));
}
