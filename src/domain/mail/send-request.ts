import type { MessageInput } from './message.js';

/**
 * What a send asks for, in its own file so that send.ts (which checks it) and enqueue.ts (which
 * queues it) both depend on it without depending on each other.
 */
export type SendTool = 'send_email' | 'send_batch_email';
export interface SendItem {
  readonly message: MessageInput;
  readonly previewId?: string | undefined;
}
export interface SendRequest {
  readonly tool: SendTool;
  readonly key: string;
  readonly items: readonly SendItem[];
  readonly bid?: { readonly id: string; readonly label: string } | undefined;
}
