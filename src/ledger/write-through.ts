// Writing accepted versions through to KV, one write at a time per key, and purging the pages that show them: each
// attempt's outcome recorded in its own step, each failure retried by the alarm.
import { disclaimerTag, targetOf } from '../core/keys.ts'
import type { LedgerVersion } from '../core/ledger-types.ts'
import { type LedgerContext, THE_LEDGER } from './context.ts'
import { dropWrite, kvEntry, putVersion, writeFailed, writeJob, writeLanded } from './outbox.ts'
import { enqueuePurges, PURGE_ALERT_AFTER, purgeDone, purgeFailed, purgeJob } from './purges.ts'
import { observe } from './reconcile.ts'

export class WriteThrough {
  private readonly flushing = new Map<string, Promise<void>>()
  private readonly purging = new Set<number>()

  constructor(private readonly ledger: LedgerContext) {}

  /** Writes the key's newest accepted version to KV, after any write of the key already under way. */
  flush(key: string): Promise<void> {
    const previous = this.flushing.get(key) ?? Promise.resolve()
    const next = previous.then(() => this.flushNow(key))
    this.flushing.set(
      key,
      next.catch(() => {}),
    )
    return next
  }

  /**
   * For an edit found around the ledger, in the step that records it: tells the editors and operators (once per
   * recorded version), and queues its pages' purges; the first purge's id.
   */
  purgeLater(version: LedgerVersion | null | undefined, now: number): number | undefined {
    if (!version) return undefined
    const { ledger } = this
    ledger.tell({ kind: 'external_edit', key: version.key, version: version.version, actor: version.by }, now)
    const id = enqueuePurges(ledger.sql, [disclaimerTag(targetOf(version.key))], now)
    ledger.arm()
    return id
  }

  /** After recording edits made around the ledger: says so in the log, and runs their first purge now. */
  async afterRecording(versions: (LedgerVersion | null | undefined)[], purges: (number | undefined)[]): Promise<void> {
    for (const version of versions) {
      if (version && !version.valid) {
        console.error('ledger: a disclaimer was changed outside the ledger to a text that breaks the rule', {
          key: version.key,
          version: version.version,
          problem: version.problem,
          shown: 'bundled default',
        })
      }
    }
    for (const id of purges) if (id !== undefined) await this.purge(id)
  }

  private async flushNow(key: string): Promise<void> {
    const { ledger } = this
    for (;;) {
      const job = writeJob(ledger.sql, key)
      if (!job) return
      const { version, metadata } = await kvEntry(ledger.sql, job.seq, ledger.env.LEDGER_SECRET)
      // Writing again, to sign, a text KV already held (one found there, or one signed under a rotated secret): only
      // while KV still holds exactly that text, so an edit made since is recorded by the next cron, not overwritten.
      const resign = version.landedAt !== null || version.how === 'external'
      const holds = resign ? await this.stillHolds(key, version.text as string) : true
      if (holds === false) {
        ledger.transact(() => dropWrite(ledger.sql, key, job.seq))
        continue
      }
      // A read that failed is a failed attempt: the alarm tries again, reading first again.
      const error = holds === true ? await putVersion(ledger.kv, key, version.text as string, metadata) : holds
      const now = ledger.now()
      if (error !== undefined) {
        const nextAt = ledger.transact(() => {
          const at = writeFailed(ledger.sql, key, job.seq, error, now)
          ledger.arm()
          return at
        })
        console.warn('ledger: KV refused a write; retrying', {
          key,
          version: job.seq,
          reason: error,
          inMs: nextAt - now,
        })
        return
      }
      const purge = ledger.transact(() => {
        if (!writeLanded(ledger.sql, key, job.seq, now)) return undefined
        // A text written again to sign it went live before, and was told of then (or as an external edit).
        if (!resign) ledger.tell({ kind: 'version_live', key, version: version.version, actor: version.by }, now)
        const id = enqueuePurges(ledger.sql, [disclaimerTag(targetOf(key))], now)
        ledger.arm()
        return id
      })
      if (purge !== undefined) {
        await this.purge(purge)
        return
      }
    }
  }

  /** Whether KV holds exactly `text` under `key` now; KV's reason when it could not be read. */
  private async stillHolds(key: string, text: string): Promise<boolean | string> {
    const { ledger } = this
    try {
      const [observation] = await observe(ledger.kv, [key], ledger.now(), ledger.env.LEDGER_SECRET)
      return observation?.text === text
    } catch (error) {
      return error instanceof Error ? error.message : String(error)
    }
  }

  /** Runs one purge job; a failure is counted, retried by the alarm, and reported once it has failed a few times. */
  async purge(id: number): Promise<void> {
    const { ledger } = this
    const job = purgeJob(ledger.sql, id)
    if (!job || this.purging.has(id)) return
    this.purging.add(id)
    try {
      await ledger.edge.purge(job.tags)
      ledger.transact(() => purgeDone(ledger.sql, id))
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      const attempts = ledger.transact(() => {
        const now = ledger.now()
        const count = purgeFailed(ledger.sql, id, reason, now)
        if (count === PURGE_ALERT_AFTER) {
          const detail = { tags: job.tags.join(', '), attempts: count, lastError: reason }
          ledger.tell({ kind: 'purge_failed', actor: THE_LEDGER, detail }, now)
        }
        ledger.arm()
        return count
      })
      const log = attempts >= PURGE_ALERT_AFTER ? console.error : console.warn
      log('ledger: purging the edge cache failed; retrying', { tags: job.tags, attempts, reason })
    } finally {
      this.purging.delete(id)
    }
  }
}
