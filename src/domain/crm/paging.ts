import type { CursorCodec } from './cursor.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * Keyset pages of one tenant's list: the cursor handed out after a full page names its last row,
 * signed for this tenant, list and filter (`listKey`), so it cannot be replayed elsewhere.
 */
export function pager(cursors: CursorCodec, tenantId: string) {
  return {
    /** The cursor of the next page, or null when this page was not full (the last one). */
    next<T, K>(rows: readonly T[], limit: number, listKey: string, keyOf: (row: T) => K): string | null {
      const last = rows.length === limit ? rows[rows.length - 1] : undefined;
      return last === undefined ? null : cursors.encode(tenantId, listKey, keyOf(last));
    },
    /** Where a page starts: after the row the cursor names, or at the start. */
    position<K>(listKey: string, cursor: string | undefined): K | undefined {
      return cursor === undefined ? undefined : cursors.decode<K>(tenantId, listKey, cursor);
    },
  };
}

export type Pager = ReturnType<typeof pager>;
