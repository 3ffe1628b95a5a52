import type { ChildProcess } from 'node:child_process';

/**
 * Sends `request` to a bench server child over IPC and resolves with the child's first message of
 * the same `type` (the children answer `stats`, `memory` and `tail` requests that way).
 */
export function askChild<Reply extends { type: string }>(
  child: ChildProcess,
  request: { type: string; [field: string]: unknown },
): Promise<Reply> {
  return new Promise((resolve) => {
    const listener = (message: Reply) => {
      if (message.type !== request.type) return;
      child.off('message', listener);
      resolve(message);
    };
    child.on('message', listener);
    child.send(request);
  });
}
