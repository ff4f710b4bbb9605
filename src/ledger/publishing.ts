// The write every publish, approval, rollback and seed goes through: read KV, then in one step record a side door
// found there, check the base (and, for an approval, that the proposal is still open), append the version and its KV
// write; then write it through to KV and purge its pages.
import { DEFAULT_DISCLAIMERS } from '../core/defaults.ts'
import { contentHash } from '../core/keys.ts'
import type { How, LedgerVersion, PublishResult, WriteRequest } from '../core/ledger-types.ts'
import { approvalRequired } from '../core/settings.ts'
import { printable, validateField } from '../core/validate.ts'
import { commit } from './commit.ts'
import { fail, type LedgerContext } from './context.ts'
import { decidedMeanwhile, decisionProblem, proposerGone, rollbackProblem, unknownProposal } from './proposals.ts'
import * as queries from './queries.ts'
import { type Observation, observe } from './reconcile.ts'
import { checkWrite, isEditor, knownKeyOf, unknownEditor } from './requests.ts'
import { reviewerProblem, rollbackReviewerProblem } from './reviewer-rule.ts'
import { approveScheduled, schedulePublish } from './scheduling.ts'
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

/** Makes `text` the new version at once: refused where the two-person rule is on (propose instead). */
export async function publish(
  ledger: LedgerContext,
  through: WriteThrough,
  request: WriteRequest & { text: string },
): Promise<PublishResult> {
  if (approvalRequired(ledger.env.REQUIRE_APPROVAL)) {
    return fail(
      'approval_required',
      'this environment requires a second editor to approve each change: propose the text, then ask another editor to approve it',
    )
  }
  const key = knownKeyOf(request.target)
  const instead = 'propose the text, and a reviewer approves it'
  const problem = key && isEditor(ledger.env, request.by) && reviewerProblem(ledger, key, request.by, instead)
  if (problem) return problem
  if (request.effectiveAt !== undefined) return schedulePublish(ledger, through, request)
  return writeVersion(ledger, through, { ...request, how: 'publish' })
}

/**
 * A second editor's approval publishes the proposal, as long as the version it was written against is still
 * what pages show. The proposer cannot approve their own.
 */
export async function approve(
  ledger: LedgerContext,
  through: WriteThrough,
  { id, by, note }: { id: number; by: string; note?: string },
): Promise<PublishResult> {
  const proposal = queries.proposal(ledger.sql, id)
  if (!proposal) return unknownProposal(id)
  if (!isEditor(ledger.env, by)) return unknownEditor(by)
  const problem =
    decisionProblem(proposal, id, by, true) ??
    reviewerProblem(ledger, proposal.key, by, `ask a reviewer to approve proposal ${id}`)
  if (problem) return problem
  // Scheduled or not, a proposal goes live only while the editor who proposed it is still one.
  if (!isEditor(ledger.env, proposal.by)) return proposerGone(proposal)
  const checked = validateField(note ?? '', 'note')
  if (!checked.ok) return fail('invalid_text', checked.reason, { field: 'note' })
  if (proposal.scheduleId !== null) return approveScheduled(ledger, proposal, by, checked.value || null)
  return writeVersion(ledger, through, {
    target: proposal.target,
    text: proposal.text,
    base: proposal.base,
    by: proposal.by,
    note: proposal.note ?? undefined,
    how: 'publish',
    approval: { proposalId: id, by, note: checked.value || null },
  })
}

/**
 * Makes an earlier version's text current again, as a new version. One editor may do this alone (the emergency
 * path), but only to a text pages really showed; and where the two-person rule is on, only to a text a second
 * editor approved or the ledger itself published while approval was off (a publish or a rollback that KV took). A
 * text written around the ledger, imported or seeded must be proposed there. Rolling back to the current text
 * records nothing.
 */
export async function rollback(
  ledger: LedgerContext,
  through: WriteThrough,
  request: WriteRequest & { to: number },
): Promise<PublishResult> {
  const key = knownKeyOf(request.target)
  const earlier = queries.version(ledger.sql, request.to)
  if (!key || !earlier || earlier.key !== key) {
    return fail('unknown_version', `version ${request.to} is not in the history of ${printable(request.target)}`)
  }
  const problem =
    rollbackProblem(ledger.sql, earlier, approvalRequired(ledger.env.REQUIRE_APPROVAL)) ??
    (isEditor(ledger.env, request.by) ? rollbackReviewerProblem(ledger, earlier, request.by) : undefined)
  if (problem) return problem
  const text = earlier.text as string
  return writeVersion(ledger, through, { ...request, text, how: 'rollback', rollbackOf: earlier.version })
}

/** Writes each bundled default whose key has no version and no text in KV. */
export async function seed(ledger: LedgerContext, through: WriteThrough, by: string): Promise<PublishResult[]> {
  if (!isEditor(ledger.env, by)) return [unknownEditor(by)]
  const results: PublishResult[] = []
  for (const entry of DEFAULT_DISCLAIMERS.values()) {
    if (queries.current(ledger.sql, entry.key)) continue
    const result = await writeVersion(ledger, through, {
      target: entry.target,
      text: entry.text,
      base: 0,
      by,
      note: `seeded from ${entry.file}`,
      how: 'seed',
    })
    // A text found in KV was recorded instead: that key is not seeded.
    if (result.ok || result.code !== 'version_mismatch') results.push(result)
  }
  return results
}
