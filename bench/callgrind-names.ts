/**
 * Self cost per function of a callgrind dump, JavaScript functions named: callgrind names code V8
 * generated at run time by its address only, so each such address is looked up in the map
 * `node --perf-basic-prof` writes (/tmp/perf-<pid>.map: start, size, name per compiled function).
 * Used by bench/instructions.ts; `node dist/bench-run/bench/callgrind-names.js <dump> <requests> [rows]`.
 */
import { readFileSync } from 'node:fs';

interface Range {
  readonly start: number;
  readonly end: number;
  readonly name: string;
}

function perfMap(pid: string): Range[] {
  let text = '';
  try {
    text = readFileSync(`/tmp/perf-${pid}.map`, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((line) => /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line))
    .filter((match) => match !== null)
    .map(([, start = '', size = '', name = '']) => ({
      start: Number.parseInt(start, 16),
      end: Number.parseInt(start, 16) + Number.parseInt(size, 16),
      name,
    }))
    .sort((a, b) => a.start - b.start);
}

function nameAt(ranges: readonly Range[], address: number): string | undefined {
  let low = 0;
  let high = ranges.length - 1;
  let found: Range | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const range = ranges[middle];
    if (range === undefined) break;
    if (range.start <= address) {
      found = range;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found !== undefined && address < found.end ? found.name : undefined;
}

/** Self Ir per function name (calls' inclusive costs excluded), largest first. */
export function selfCosts(dump: string): [string, number][] {
  const text = readFileSync(dump, 'utf8');
  const ranges = perfMap(/^pid: (\d+)/m.exec(text)?.[1] ?? '');
  const names = new Map<string, string>();
  const self = new Map<string, number>();
  let current = '';
  let callCostNext = false;
  for (const line of text.split('\n')) {
    const definition = /^c?fn=\((\d+)\)(?: (.*))?$/.exec(line);
    if (definition !== null) {
      const [, id = '', name] = definition;
      if (name !== undefined) names.set(id, name);
      if (line.startsWith('fn=')) current = names.get(id) ?? id;
      continue;
    }
    if (line.startsWith('calls=')) {
      callCostNext = true;
      continue;
    }
    const cost = /^[+\-*\d]\S* (\d+)$/.exec(line);
    if (cost === null) continue;
    if (callCostNext) {
      callCostNext = false;
      continue;
    }
    self.set(current, (self.get(current) ?? 0) + Number(cost[1]));
  }
  const named = new Map<string, number>();
  for (const [name, ir] of self) {
    const address = /^0x([0-9a-f]+)$/.exec(name)?.[1];
    const js = address === undefined ? name : (nameAt(ranges, Number.parseInt(address, 16)) ?? name);
    named.set(js, (named.get(js) ?? 0) + ir);
  }
  return [...named].sort((a, b) => b[1] - a[1]);
}

/**
 * How many times `name` was called in the dump, and the Ir those calls cost (inclusive): every
 * caller's `calls=` lines summed. For `sqlite3Reprepare`: how often SQLite parsed and planned a
 * cached statement again (a bound LIMIT does that on every run, src/store/row-limit.ts; so does
 * every run of a PRAGMA that sets something, lazy-commit.ts), and what that cost.
 */
export function callsTo(dump: string, name: string): { calls: number; ir: number } {
  const names = new Map<string, string>();
  let callee = '';
  let calls = 0;
  let ir = 0;
  let costNext = false;
  for (const line of readFileSync(dump, 'utf8').split('\n')) {
    const definition = /^(c?)fn=\((\d+)\)(?: (.*))?$/.exec(line);
    if (definition !== null) {
      const [, called, id = '', defined] = definition;
      if (defined !== undefined) names.set(id, defined);
      if (called === 'c') callee = names.get(id) ?? '';
      continue;
    }
    const count = /^calls=(\d+) /.exec(line);
    if (count !== null) {
      costNext = callee === name;
      if (costNext) calls += Number(count[1]);
      continue;
    }
    const cost = /^[+\-*\d]\S* (\d+)$/.exec(line);
    if (cost !== null && costNext) ir += Number(cost[1]);
    costNext = false;
  }
  return { calls, ir };
}

if (import.meta.filename === process.argv[1]) {
  const [dump = '', requests = '1', rows = '40'] = process.argv.slice(2);
  for (const [name, ir] of selfCosts(dump).slice(0, Number(rows)))
    console.log(
      `${Math.round(ir / Number(requests))
        .toString()
        .padStart(8)}  ${name.slice(0, 150)}`,
    );
}
