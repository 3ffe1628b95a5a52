/**
 * Loaded into a bench server child with `--import` (bench/memory.ts): answers a `memory` message
 * with what the process itself can tell about its memory, as it is or after a full GC (`gc: true`;
 * the child runs with `--expose-gc`), whichever server it is (ours, the by-hand server, the echo,
 * another checkout's).
 * V8's spaces as committed and as physically resident, Node's own counters, and the heap
 * statistics V8 keeps outside the spaces (malloced memory, external memory).
 */
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

export interface MemoryProbe {
  readonly type: 'memory';
  readonly usage: NodeJS.MemoryUsage;
  /** Per V8 space: committed and physically resident bytes, and bytes used. */
  readonly spaces: Record<string, { size: number; physical: number; used: number }>;
  /** V8's own malloc'ed bytes (compiler zones, tables) and peak. */
  readonly malloced: number;
  readonly peakMalloced: number;
}

process.on('message', (message: { type?: string; gc?: boolean }) => {
  if (message.type !== 'memory') return;
  if (message.gc === true) globalThis.gc?.();
  const heap = getHeapStatistics();
  const probe: MemoryProbe = {
    type: 'memory',
    usage: process.memoryUsage(),
    spaces: Object.fromEntries(
      getHeapSpaceStatistics().map((space) => [
        space.space_name,
        { size: space.space_size, physical: space.physical_space_size, used: space.space_used_size },
      ]),
    ),
    malloced: heap.malloced_memory,
    peakMalloced: heap.peak_malloced_memory,
  };
  process.send?.(probe);
});
