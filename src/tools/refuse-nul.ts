import { invalidInput } from '../domain/errors.js';
import { NUL_NAME, unfitInput } from '../lib/nul-text.js';

/**
 * A port whose every method first refuses arguments holding a NUL character (finding 10 of
 * issue 9). Tools, resources, prompts and /api/v1 reach data only through the
 * ports of their ToolContext, so this one gate covers every argument, URI and query they pass
 * on: the caller gets `invalid_input` (a tool `isError`, JSON-RPC -32602, a 400 problem), never a
 * database fault, and on SQLite exactly as on PostgreSQL.
 */
export function refusingNul<T extends object>(service: T): T {
  return new Proxy(service, {
    get(target, key, receiver) {
      const member: unknown = Reflect.get(target, key, receiver);
      if (typeof member !== 'function') return member;
      return (...args: unknown[]): unknown => {
        if (unfitInput(args, 'arguments') !== undefined)
          throw invalidInput(
            `A text argument contains ${NUL_NAME}, which this server does not accept.`,
            'Remove the NUL character (U+0000) from the arguments and call again.',
          );
        return (member as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
