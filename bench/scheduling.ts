/**
 * The OS scheduler's side of a bench process (Linux /proc): how long its threads ran, and how long
 * they were runnable but waiting for a core — preempted by another process, or queued behind one.
 * On this 2-core machine, shared with other engineers and with the load generator, that wait is
 * what stalls a saturated server, and every request in flight with it (bench/README.md, "Issue 8:
 * what sets p99"). Also pins a process, every thread of it, to one CPU.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface Scheduling {
  /** ns on a CPU, summed over the process's threads. */
  readonly runNs: number;
  /** ns runnable but not running (waiting for a CPU), summed over the threads. */
  readonly waitNs: number;
  /** Times a thread was switched out while it could still run. */
  readonly preemptions: number;
}

/** The counters of `pid` (or `self`) so far; subtract two readings for an interval. */
export function schedulingOf(pid: number | 'self'): Scheduling {
  let runNs = 0;
  let waitNs = 0;
  let preemptions = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const [run, wait] = readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ');
      const status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
      runNs += Number(run);
      waitNs += Number(wait);
      preemptions += Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return { runNs, waitNs, preemptions };
}

export function schedulingSince(before: Scheduling, pid: number | 'self'): Scheduling {
  const after = schedulingOf(pid);
  return {
    runNs: after.runNs - before.runNs,
    waitNs: after.waitNs - before.waitNs,
    preemptions: after.preemptions - before.preemptions,
  };
}

/** Pins every thread of `pid` (V8's and libuv's too, `taskset -a`) to one CPU. */
export function pinToCpu(pid: number, cpu: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
}
