/** A list that grows as things arrive (mail, spans) and that tests can wait on. */
export interface Arrivals<T> {
  /** Everything arrived so far, in order. */
  readonly items: readonly T[];
  push(...items: T[]): void;
  /**
   * Resolves with what `find` returns once it returns something. `find` runs now and again on
   * each arrival, never on a timer: the timer only ends a wait that would hang, naming `what`.
   */
  until<R>(find: (items: readonly T[]) => R | undefined, what: string, timeoutMs?: number): Promise<R>;
}

export function arrivals<T>(): Arrivals<T> {
  const items: T[] = [];
  const checks = new Set<() => void>();
  return {
    items,
    push(...more) {
      items.push(...more);
      for (const check of [...checks]) check();
    },
    until(find, what, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const stop = () => {
          clearTimeout(timer);
          checks.delete(check);
        };
        const timer = setTimeout(() => {
          stop();
          reject(new Error(`${what}: not there after ${timeoutMs} ms (${items.length} arrived)`));
        }, timeoutMs);
        function check() {
          try {
            const found = find(items);
            if (found === undefined) return;
            stop();
            resolve(found);
          } catch (error) {
            stop();
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        }
        checks.add(check);
        check();
      });
    },
  };
}
