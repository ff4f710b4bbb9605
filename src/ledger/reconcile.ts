// Compares what KV holds with the ledger's record, and records what was changed around the ledger (plain wrangler,
// the dashboard) as `external` versions. Reading KV is async; judging and recording what was read is one
// synchronous step, so nothing the ledger writes meanwhile can be mistaken for an edit made around it.
import { sha256Hex, shortHash, targetOf } from '../core/keys.ts'
import { KV_CACHE_TTL_SECONDS, type SignedVersion, verifyMetadata } from '../core/kv-contract.ts'
import type { LedgerVersion, LiveState, Unrecorded } from '../core/ledger-types.ts'
import { STALE_READ_MS } from '../core/staleness.ts'
import { validateDisclaimer } from '../core/validate.ts'
import { insertVersion } from './append.ts'
import type { LedgerKV } from './context.ts'
import { enqueueWrite } from './outbox.ts'
import { current, lastLandingAt, pending, recentLandings } from './queries.ts'
import { pendingSchedules } from './schedules.ts'

export const EXTERNAL_EDITOR = 'outside the ledger'

/** One key as KV answered it, and when the read began. */
export interface Observation {
  key: string
  /** When the read was started (ms): anything the ledger wrote after that may not be in it. */
  readAt: number
  /** The text as the rule normalises it when it passes, else as KV holds it; null when the key is missing. */
  text: string | null
  valid: boolean
  problem: string | null
  hash: string | null
  sha256: string | null
  /** The ledger row KV's metadata names, when its signature holds for this key and text (kv-contract.ts). */
  signed: SignedVersion | null
}

/** Reads `keys` from KV in one request, checking each text's metadata against `secret` (LEDGER_SECRET). */
export async function observe(
  kv: LedgerKV,
  keys: readonly string[],
  now: number,
  secret: string | undefined,
): Promise<Observation[]> {
  const values = await kv.getWithMetadata([...keys], { type: 'text', cacheTtl: KV_CACHE_TTL_SECONDS })
  return Promise.all(
    keys.map(async (key) => {
      const entry = values.get(key)
      const raw = entry?.value ?? null
      if (raw === null) {
        return { key, readAt: now, text: null, valid: false, problem: null, hash: null, sha256: null, signed: null }
      }
      const checked = validateDisclaimer(raw)
      const text = checked.ok ? checked.text : raw
      const sha256 = await sha256Hex(text)
      return {
        key,
        readAt: now,
        text,
        valid: checked.ok,
        problem: checked.ok ? null : checked.reason,
        hash: shortHash(sha256),
        sha256,
        signed: await verifyMetadata(secret, key, sha256, entry?.metadata),
      }
    }),
  )
}

/**
 * What a read of KV says against the record: it `agrees` with the current version (`unsigned` when KV holds its
 * text without the ledger's signature naming it: the cron signs it); it is `unsettled` (a write of the ledger's is
 * under way, or landed so recently that KV may still answer an older value here, or the key's legacy history is
 * part-imported: look again later); or it is `external`, a change made around the ledger. Only metadata whose
 * signature holds is believed, and only for one of the key's two newest landings: a text the ledger itself wrote
 * there, which KV's cache may still answer late. An older text of the ledger's, put back later (its signed metadata
 * copied with it), is an external edit like any other.
 */
export function judge(
  sql: SqlStorage,
  observation: Observation,
): { kind: 'agrees' | 'unsigned' | 'unsettled' } | { kind: 'external'; unrecorded: Unrecorded } {
  const { key, text } = observation
  // A write of the key under way, or its legacy history part-imported (the record is not yet what it will be).
  const busy = sql.exec(
    'SELECT 1 FROM outbox WHERE key = ?1 UNION ALL SELECT 1 FROM import_progress WHERE key = ?1',
    key,
  )
  if (busy.toArray().length > 0) return { kind: 'unsettled' }
  const now = current(sql, key)
  if (text === null ? !now || now.text === null : now?.text === text) {
    return { kind: now && text !== null && observation.signed?.seq !== now.version ? 'unsigned' : 'agrees' }
  }
  const landed = lastLandingAt(sql, key)
  const signed = observation.signed?.seq
  const ledgersOwn = signed !== undefined && recentLandings(sql, key).includes(signed)
  // A read begun before a landing may answer what KV held before it; the text the ledger wrote there before its
  // last landing may be KV's cache here answering late. Either way, the next look decides.
  const settlesAt = ledgersOwn ? observation.readAt - STALE_READ_MS : observation.readAt
  if (landed !== null && landed >= settlesAt) return { kind: 'unsettled' }
  return {
    kind: 'external',
    unrecorded: { text, hash: observation.hash, valid: observation.valid, problem: unrecordedProblem(observation) },
  }
}

function unrecordedProblem(observation: Observation): string | null {
  if (observation.text === null) return 'the key was deleted from KV; pages show the bundled default'
  return observation.problem
}

/** Records what `judge` found made around the ledger, as an `external` version; null when there was nothing. */
export function recordObservation(sql: SqlStorage, observation: Observation, now: number): LedgerVersion | null {
  const finding = judge(sql, observation)
  if (finding.kind !== 'external') return null
  const { unrecorded } = finding
  return insertVersion(sql, {
    key: observation.key,
    text: unrecorded.text,
    hash: unrecorded.hash,
    by: EXTERNAL_EDITOR,
    how: 'external',
    valid: unrecorded.text !== null && unrecorded.valid,
    problem: unrecorded.problem,
    now,
  })
}

/**
 * For the cron, in the step that judges what it read: queues the current version to be written to KV again, signed,
 * where KV holds its text without the ledger's signature naming it (recorded from a side door, or signed under a
 * secret since rotated; never an imported row). A text recorded from a side door waits until it has been seen for
 * STALE_READ_MS, so a late answer from KV's cache is never written back over a newer text; the write itself looks at
 * KV again first (write-through.ts). True when a write was queued.
 */
export function signLater(sql: SqlStorage, observation: Observation, now: number): boolean {
  if (judge(sql, observation).kind !== 'unsigned') return false
  const shown = current(sql, observation.key) as LedgerVersion
  // An imported row is the old store's word, not a text the ledger wrote or found: it is signed once it is replaced.
  if (!shown.valid || shown.how === 'import') return false
  if (shown.how === 'external' && Date.parse(shown.at) > now - STALE_READ_MS) return false
  enqueueWrite(sql, observation.key, shown.version, now)
  return true
}

/** The token a write names for what KV holds unrecorded: its full SHA-256, or `kv-none` for a missing key. */
export function unrecordedBase(observation: Observation): string {
  return observation.sha256 === null ? 'kv-none' : `kv-${observation.sha256}`
}

/** What an editor reads before a change, from one read of KV: the record, what KV holds where it differs, the base. */
export function liveState(sql: SqlStorage, observation: Observation): LiveState {
  const { key } = observation
  const now = current(sql, key)
  const finding = judge(sql, observation)
  const unrecorded = finding.kind === 'external' ? finding.unrecorded : null
  return {
    target: targetOf(key),
    key,
    current: now,
    unrecorded,
    base: unrecorded ? unrecordedBase(observation) : now ? String(now.version) : 'none',
    pending: pending(sql).find((entry) => entry.key === key) ?? null,
    scheduled: pendingSchedules(sql, key),
  }
}
