import type { LogEvent } from 'kysely';
import type { Tracing } from './tracing.js';

/**
 * A span per store query inside a trace (queries outside one, such as an idle worker's polls,
 * make none). Kysely reports a query after it ran, with its duration; the SQL text has
 * placeholders only, never values.
 */
export function queryTracer(tracing: Tracing, storeUrl: string): (event: LogEvent) => void {
  const system = storeUrl.startsWith('sqlite:') ? 'sqlite' : 'postgresql';
  return (event) => {
    const endedAt = performance.timeOrigin + performance.now();
    const text = event.query.sql;
    const operation = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'QUERY';
    tracing.record(
      `db ${operation}`,
      {
        'db.system.name': system,
        'db.operation.name': operation,
        'db.query.text': text,
        ...(event.level === 'error' && { 'error.type': (event.error as Error).name }),
      },
      endedAt - event.queryDurationMillis,
      endedAt,
    );
  };
}
