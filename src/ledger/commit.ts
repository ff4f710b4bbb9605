// The compare-and-swap at the heart of the ledger: a write is accepted only if what the editor read is still what
// pages show. Synchronous by signature: nothing can be awaited between the check and the insert, so of any number
// of concurrent writers exactly one wins.
import type { How, LedgerError, LedgerVersion } from '../core/ledger-types.ts'
import { insertDecision, insertVersion } from './append.ts'
import { fail } from './context.ts'
import { enqueueWrite } from './outbox.ts'
import { current } from './queries.ts'
import { type Observation, recordObservation } from './reconcile.ts'

/** A base as a write names it: a ledger version (0: none yet), or what KV held unrecorded (by its SHA-256). */
export type ParsedBase = { version: number } | { kv: string | null }

/** Reads a base token (LiveState's `base`, or an ETag's value); undefined when it is none of them. */
export function parseBase(base: number | string): ParsedBase | undefined {
  if (typeof base === 'number') return Number.isSafeInteger(base) && base >= 0 ? { version: base } : undefined
  if (base === 'none') return { version: 0 }
  if (/^(0|[1-9][0-9]{0,15})$/.test(base)) return { version: Number(base) }
  if (base === 'kv-none') return { kv: null }
  const kv = /^kv-([0-9a-f]{64})$/.exec(base)
  return kv ? { kv: kv[1] as string } : undefined
}

function describe(version: LedgerVersion): string {
  return version.how === 'external'
    ? `version ${version.version}, changed outside the ledger (external) at ${version.at}`
    : `version ${version.version}, by ${version.by} (${version.how}) at ${version.at}`
}

/**
 * Whether `base` still names what pages show: the current version, or (for a base naming an unrecorded KV text) the
 * external version that recorded exactly that text, which the observation shows KV still holds.
 */
export function staleBase(
  now: LedgerVersion | null,
  base: ParsedBase,
  observation: Pick<Observation, 'text' | 'sha256'>,
): LedgerError | undefined {
  const holds =
    'version' in base
      ? (now?.version ?? 0) === base.version
      : now?.how === 'external' && now.text === observation.text && base.kv === observation.sha256
  if (holds) return undefined
  const read = 'version' in base ? (base.version ? `version ${base.version}` : 'no version') : 'a text in KV'
  return fail(
    'version_mismatch',
    now
      ? `the text changed since you read it: it is now ${describe(now)}; you edited ${read}. Read it again and start from the current text`
      : `there is no ${read} to replace: the disclaimer has no text yet; read it again`,
    { current: now },
  )
}

/**
 * The first half of every write's step: records what the observation shows was changed around the ledger, then
 * checks the base against what pages show now. `stale` is why the write must not go on, if it must not.
 */
export function recordThenCheck(
  sql: SqlStorage,
  { observation, key, base, now }: Pick<CommitRequest, 'observation' | 'key' | 'base' | 'now'>,
): { external: LedgerVersion | null; current: LedgerVersion | null; stale?: LedgerError } {
  const external = recordObservation(sql, observation, now)
  const shown = current(sql, key)
  return { external, current: shown, stale: staleBase(shown, base, observation) }
}

export interface CommitRequest {
  /** What KV held when the write began; recorded first if it was changed around the ledger. */
  observation: Observation
  key: string
  /** Checked by the rule, and its content hash. */
  text: string
  hash: string
  base: ParsedBase
  by: string
  how: How
  note: string | null
  /** The second editor's approval; `decided` when its decision was recorded earlier (a scheduled proposal's). */
  approval?: { proposalId: number; by: string; note: string | null; decided?: boolean }
  rollbackOf?: number
  now: number
}

export type CommitResult =
  | { ok: true; status: 'accepted' | 'unchanged'; version: LedgerVersion; external: LedgerVersion | null }
  | (LedgerError & { external: LedgerVersion | null })

/**
 * Records an edit made around the ledger if the observation shows one, checks the base, and appends the new version
 * (with the approval's decision) and its KV write to the outbox. Run inside one transaction.
 */
export function commit(sql: SqlStorage, request: CommitRequest): CommitResult {
  const { external, current: now, stale } = recordThenCheck(sql, request)
  if (stale) return { ...stale, external }
  if (now && now.text === request.text && now.valid && !request.approval) {
    return { ok: true, status: 'unchanged', version: now, external }
  }
  const version = insertVersion(sql, {
    key: request.key,
    text: request.text,
    hash: request.hash,
    by: request.by,
    how: request.how,
    note: request.note,
    approvedBy: request.approval?.by ?? null,
    proposalId: request.approval?.proposalId ?? null,
    rollbackOf: request.rollbackOf ?? null,
    valid: true,
    now: request.now,
  })
  if (request.approval && !request.approval.decided) {
    insertDecision(sql, {
      proposalId: request.approval.proposalId,
      decision: 'approved',
      by: request.approval.by,
      at: version.at,
      reason: request.approval.note,
      publishedSeq: version.version,
    })
  }
  enqueueWrite(sql, request.key, version.version, request.now)
  return { ok: true, status: 'accepted', version, external }
}
