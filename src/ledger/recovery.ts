// Point-in-time recovery of the ledger's storage: SQLite-backed Durable Objects keep 30 days of history, so the
// object can find the bookmark for a moment and come back at it on its next start. Local workerd keeps no history.

/** How the object reaches its storage's history; a seam, since local workerd has none to test against. */
export interface PointInTimeRecovery {
  /** The bookmark of the storage as it stood at `at` (within the last 30 days). */
  bookmarkFor(at: Date): Promise<string>
  /** The bookmark of the storage as it stands now: where to come back to, to undo a restore. */
  current(): Promise<string>
  /** Restores the storage to `bookmark` when the object next starts; answers the bookmark just before that. */
  restoreOnNextStart(bookmark: string): Promise<string>
  /** Ends the object now, so that it starts again (restored) on its next request; the call that asks it throws. */
  restart(reason: string): void
}

/** What local workerd says for every history call: its storage keeps no history. */
export const NO_HISTORY = "This Durable Object's storage back-end does not implement point-in-time recovery."

export function storageRecovery(ctx: DurableObjectState): PointInTimeRecovery {
  return {
    bookmarkFor: (at) => ctx.storage.getBookmarkForTime(at),
    current: () => ctx.storage.getCurrentBookmark(),
    restoreOnNextStart: (bookmark) => ctx.storage.onNextSessionRestoreBookmark(bookmark),
    restart: (reason) => ctx.abort(reason),
  }
}
