/**
 * A process's resident memory split by what holds it, from /proc/<pid>/smaps (bench/memory.ts):
 * the node binary's touched pages, other files (shared libraries, native addons, SQLite's shared
 * memory), malloc's main heap (`[heap]`), the other malloc arenas (glibc reserves each non-main
 * arena as a 64 MB-aligned region, so an anonymous mapping that starts on a 64 MB boundary is
 * taken as one), thread stacks (the mappings that hold a thread's stack pointer, read from
 * /proc/<pid>/task/<tid>/syscall while the threads sleep: readable by the parent that forked the
 * child) and the rest of the anonymous memory (V8's heap and code, V8's and Node's other mmaps).
 * All in MB.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ResidentSplit {
  rss: number;
  binary: number;
  files: number;
  mallocHeap: number;
  arenas: number;
  stacks: number;
  otherAnonymous: number;
  threads: number;
  /** The largest single mappings, for a reader who wants to see them: `<MB> <what>`. */
  largest: string[];
}

interface Mapping {
  start: bigint;
  end: bigint;
  perms: string;
  path: string;
  kb: number;
}

const ARENA_ALIGNMENT = 64n * 1024n * 1024n;

function mappingsOf(pid: number): Mapping[] {
  const mappings: Mapping[] = [];
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header !== null) {
      const [, start = '0', end = '0', perms = '', path = ''] = header;
      mappings.push({ start: BigInt(`0x${start}`), end: BigInt(`0x${end}`), perms, path, kb: 0 });
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    const last = mappings.at(-1);
    if (rss !== null && last !== undefined) last.kb = Number(rss[1]);
  }
  return mappings;
}

/** Each sleeping thread's stack pointer (`syscall`'s second-last field); a running one has none. */
function stackPointers(pid: number): bigint[] {
  const pointers: bigint[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const fields = readFileSync(`/proc/${pid}/task/${task}/syscall`, 'utf8').trim().split(' ');
      if (fields.length >= 3) pointers.push(BigInt(fields.at(-2)!));
    } catch {
      // A thread that ended, or a kernel that does not show it.
    }
  }
  return pointers;
}

export function residentSplit(pid: number): ResidentSplit {
  const binary = readlinkSync(`/proc/${pid}/exe`);
  const pointers = stackPointers(pid);
  const split: ResidentSplit = {
    rss: 0,
    binary: 0,
    files: 0,
    mallocHeap: 0,
    arenas: 0,
    stacks: 0,
    otherAnonymous: 0,
    threads: readdirSync(`/proc/${pid}/task`).length,
    largest: [],
  };
  const named: { kb: number; what: string }[] = [];
  for (const mapping of mappingsOf(pid)) {
    const { start, end, perms, path, kb } = mapping;
    const mb = kb / 1024;
    split.rss += mb;
    let what: string;
    if (path === binary) [what, split.binary] = ['node binary', split.binary + mb];
    else if (path.startsWith('/')) [what, split.files] = [path, split.files + mb];
    else if (path === '[heap]') [what, split.mallocHeap] = ['[heap]', split.mallocHeap + mb];
    else if (path === '[stack]' || pointers.some((pointer) => pointer >= start && pointer < end))
      [what, split.stacks] = ['thread stack', split.stacks + mb];
    else if (path === '' && start % ARENA_ALIGNMENT === 0n && perms.startsWith('rw'))
      [what, split.arenas] = ['malloc arena', split.arenas + mb];
    else [what, split.otherAnonymous] = [`anonymous ${path}`.trim(), split.otherAnonymous + mb];
    named.push({ kb, what });
  }
  split.largest = named
    .sort((a, b) => b.kb - a.kb)
    .slice(0, 8)
    .map((mapping) => `${(mapping.kb / 1024).toFixed(1)} ${mapping.what}`);
  return split;
}
