// The cron's work: the one-time legacy import, then a look at KV: every key whose text differs from the record is
// recorded as an edit made around the ledger, its pages purged, and a current text KV holds unsigned signed again.
import type { LedgerVersion } from '../core/ledger-types.ts'
import { TARGET_KEYS } from '../core/site-map.ts'
import type { LedgerContext } from './context.ts'
import { importOnce } from './legacy-import.ts'
import { observe, recordObservation, signLater } from './reconcile.ts'
import type { WriteThrough } from './write-through.ts'

/**
 * The cron's check: one read of every target's key; each that differs from the record is recorded as an `external`
 * version with the rule's verdict, in one step, and its pages are purged. Answers what was recorded.
 */
export async function recordSideDoors(ledger: LedgerContext, through: WriteThrough): Promise<LedgerVersion[]> {
  const observations = await observe(ledger.kv, TARGET_KEYS, ledger.now(), ledger.env.LEDGER_SECRET)
  const now = ledger.now()
  const { recorded, purges, signing } = ledger.transact(() => {
    const found = observations
      .map((observation) => recordObservation(ledger.sql, observation, now))
      .filter((version) => version !== null)
    const unsigned = observations.filter((observation) => signLater(ledger.sql, observation, now))
    if (unsigned.length > 0) ledger.arm()
    return {
      recorded: found,
      purges: found.map((version) => through.purgeLater(version, now)),
      signing: unsigned.map((observation) => observation.key),
    }
  })
  await through.afterRecording(recorded, purges)
  await Promise.all(signing.map((key) => through.flush(key)))
  return recorded
}

/**
 * The cron's work: the one-time legacy import (if it has not run), then every key whose KV text differs from the
 * record is recorded as an `external` version with the rule's verdict, and its pages are purged. An invalid
 * external text is logged as an error; pages keep showing the bundled default for it. A current text KV holds
 * without the ledger's signature (one recorded from a side door, or signed under a rotated LEDGER_SECRET) is
 * written again, signed, so pages name its version.
 */
export async function reconcile(ledger: LedgerContext, through: WriteThrough): Promise<LedgerVersion[]> {
  // The import going wrong (KV failing, a history too long for one run) never stops the side-door check below.
  try {
    await importOnce(ledger)
  } catch (error) {
    console.error('ledger: the legacy import could not go on; the next cron run tries again', error)
  }
  return recordSideDoors(ledger, through)
}
