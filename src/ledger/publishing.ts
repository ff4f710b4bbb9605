// The write every publish, approval, rollback and seed goes through: read KV, then in one step record a side door
// found there, check the base (and, for an approval, that the proposal is still open), append the version and its KV
// write; then write it through to KV and purge its pages.
import { contentHash } from '../core/keys.ts'
import type { How, LedgerVersion, PublishResult, WriteRequest } from '../core/ledger-types.ts'
import { commit } from './commit.ts'
import type { LedgerContext } from './context.ts'
import { decidedMeanwhile } from './proposals.ts'
import * as queries from './queries.ts'
import { type Observation, observe } from './reconcile.ts'
import { checkWrite } from './requests.ts'
import type { WriteThrough } from './write-through.ts'

export type Write = WriteRequest & {
  text: string
  how: How
  rollbackOf?: number
  approval?: { proposalId: number; by: string; note: string | null }
}

export async function writeVersion(
  ledger: LedgerContext,
  through: WriteThrough,
  request: Write,
): Promise<PublishResult> {
  const checked = checkWrite(ledger.env, request)
  if (!checked.ok) return checked
  const hash = await contentHash(checked.text)
  const [observation] = await observe(ledger.kv, [checked.key], ledger.now(), ledger.env.LEDGER_SECRET)
  const now = ledger.now()
  const { result, purge } = ledger.transact(() => {
    // The proposal may have been decided while this waited on KV: said as what happened, nothing written.
    const decided = request.approval && decidedMeanwhile(ledger.sql, request.approval.proposalId, request.approval.by)
    if (decided) return { result: { ...decided, external: null }, purge: undefined }
    const committed = commit(ledger.sql, {
      ...checked,
      observation: observation as Observation,
      hash,
      how: request.how,
      approval: request.approval,
      rollbackOf: request.rollbackOf,
      now,
    })
    const purge = through.purgeLater(committed.external, now)
    if (committed.ok && committed.status === 'accepted' && request.approval) {
      const { version } = committed
      const event = { kind: 'proposal_approved' as const, key: version.key, version: version.version }
      const detail = { note: request.approval.note }
      ledger.tell({ ...event, proposalId: request.approval.proposalId, actor: request.approval.by, detail }, now, [
        request.by,
      ])
    }
    // The outbox row and the alarm that will retry it are set in one step: an object stopped mid-put still lands it.
    ledger.arm()
    return { result: committed, purge }
  })
  await through.afterRecording([result.external], [purge])
  if (!result.ok) {
    const { external: _, ...error } = result
    return error
  }
  if (result.status === 'unchanged') return { ok: true, status: 'unchanged', version: result.version }
  await through.flush(checked.key)
  const version = queries.version(ledger.sql, result.version.version) as LedgerVersion
  return { ok: true, status: version.landedAt ? 'live' : 'pending', version }
}
