import type { EventDetail, How, LedgerError, LedgerVersion, Proposal, ProposalResult } from '../core/ledger-types.ts'
import { siteZone } from '../core/time.ts'
import { printable, validateField } from '../core/validate.ts'
import { insertDecision, insertProposal } from './append.ts'
import { type CommitRequest, recordThenCheck } from './commit.ts'
import type { LedgerContext } from './context.ts'
import { fail } from './context.ts'
import { proposal, wasShown } from './queries.ts'
import { isEditor, recordWrite, type TextWrite, unknownEditor } from './requests.ts'
import { conflictOf, endSchedule, insertSchedule } from './schedules.ts'

export function unknownProposal(id: number): LedgerError {
  return fail('unknown_proposal', `there is no proposal ${id}; list the proposals to see them`)
}

/** Records an edit made around the ledger if there is one, checks the base, and records the proposal. */
export function openProposal(
  sql: SqlStorage,
  request: Omit<CommitRequest, 'how' | 'approval' | 'rollbackOf'>,
): ProposalResult & { external?: LedgerVersion | null } {
  const { external, current: now, stale } = recordThenCheck(sql, request)
  if (stale) return { ...stale, external }
  const id = insertProposal(sql, { ...request, base: now?.version ?? 0 })
  return { ok: true, proposal: proposal(sql, id) as Proposal, external }
}

/** The refusal to approve a proposal whose proposer is no longer one of the editors named in EDITORS. */
export function proposerGone(found: Proposal): LedgerError {
  return fail(
    'unknown_editor',
    `${printable(found.by)}, who proposed this, is no longer one of the editors named in EDITORS, so it cannot be approved; reject it, or propose the text again yourself`,
  )
}

/** Why `by` may not decide this proposal now, if they may not. */
export function decisionProblem(found: Proposal | null, id: number, by: string, approving: boolean) {
  if (!found) return unknownProposal(id)
  if (found.status === 'cancelled' || found.status === 'expired' || found.status === 'superseded') {
    return fail(
      'schedule_ended',
      `proposal ${id} was to go live at ${found.effectiveAt}, and its schedule ended (${found.status}); propose it again`,
    )
  }
  if (found.status === 'approved' && approving) {
    const published = found.publishedVersion === null ? '' : ` and published as version ${found.publishedVersion}`
    return fail('already_approved', `proposal ${id} was already approved by ${found.decidedBy}${published}`)
  }
  if (found.status !== 'open') {
    return fail('proposal_decided', `proposal ${id} was already ${found.status} by ${found.decidedBy}`)
  }
  if (approving && found.by === by) {
    return fail('self_approval', `${by} proposed this text, so a different editor must approve it`)
  }
  return undefined
}

/**
 * Why an approval may not be written after all, in the step that would write it: the proposal was decided while the
 * approval waited on KV (rejected, or approved by someone else). Said as what happened.
 */
export function decidedMeanwhile(sql: SqlStorage, id: number, by: string): LedgerError | undefined {
  const problem = decisionProblem(proposal(sql, id), id, by, true)
  if (!problem) return undefined
  return { ...problem, message: `${problem.message} while your approval was being written; nothing was published` }
}

export function rejectProposal(
  sql: SqlStorage,
  request: { id: number; by: string; reason: string; now: number },
): ProposalResult {
  const found = proposal(sql, request.id)
  const problem = decisionProblem(found, request.id, request.by, false)
  if (problem) return problem
  insertDecision(sql, {
    proposalId: request.id,
    decision: 'rejected',
    by: request.by,
    at: new Date(request.now).toISOString(),
    reason: request.reason,
    publishedSeq: null,
  })
  return { ok: true, proposal: proposal(sql, request.id) as Proposal }
}

/**
 * Records a proposal (and its schedule, for one that goes live at a set time) after recording any edit made around
 * the ledger, and tells every other editor it waits for them.
 */
export const proposeChange: TextWrite<ProposalResult> = (ledger, through, request) =>
  recordWrite<ProposalResult>(ledger, through, request, (write) => {
    const { when, now } = write
    const conflict =
      when === undefined ? undefined : conflictOf(ledger.sql, write.key, siteZone(ledger.env.SITE_TIME_ZONE))
    if (conflict) return { result: { ...conflict, external: null }, purge: undefined }
    const opened = openProposal(ledger.sql, write)
    if (opened.ok) {
      const made = opened.proposal
      const detail: EventDetail = when === undefined ? {} : { effectiveAt: new Date(when).toISOString() }
      if (when !== undefined) {
        insertSchedule(ledger.sql, { ...write, base: made.base, effectiveAt: when, proposalId: made.id })
        opened.proposal = proposal(ledger.sql, made.id) as Proposal
      }
      const event = { kind: 'proposal_opened' as const, key: made.key, proposalId: made.id, actor: made.by }
      ledger.tell({ ...event, detail }, now)
    }
    return { result: opened, purge: through.purgeLater(opened.external, now) }
  })

/** Rejects a proposal with a reason; a schedule it had ends with it, and its proposer is told. */
export function rejectChange(
  ledger: LedgerContext,
  { id, by, reason }: { id: number; by: string; reason: string },
): ProposalResult {
  if (!proposal(ledger.sql, id)) return unknownProposal(id)
  if (!isEditor(ledger.env, by)) return unknownEditor(by)
  const checked = validateField(reason, 'reason', { required: true })
  if (!checked.ok) return fail('invalid_text', checked.reason, { field: 'reason' })
  const now = ledger.now()
  return ledger.transact(() => {
    const rejected = rejectProposal(ledger.sql, { id, by, reason: checked.value, now })
    if (rejected.ok) {
      const found = rejected.proposal
      // A rejected proposal will not go live at its time either; its schedule, still pending, ends with it.
      if (found.scheduleId !== null) {
        endSchedule(ledger.sql, found.scheduleId, { outcome: 'cancelled', by, reason: checked.value, now })
      }
      const event = { kind: 'proposal_rejected' as const, key: found.key, proposalId: id, actor: by }
      ledger.tell({ ...event, detail: { reason: checked.value } }, now, [found.by])
    }
    return rejected
  })
}

/** How a version's text came to be, when no second editor approved it: what a refused rollback to it says. */
const UNAPPROVED: Partial<Record<How, string>> = {
  external: 'was written around the ledger (external)',
  import: 'was imported from the old store',
  seed: 'was seeded from the bundled default',
}

/**
 * Why one editor alone may not roll back to `earlier`, if they may not: a text that breaks the rule or never reached
 * pages is refused; where approval is required, so is one no second editor approved and the ledger did not publish
 * while approval was off (only a publish or a rollback the ledger made is either), which must be proposed instead.
 */
export function rollbackProblem(sql: SqlStorage, earlier: LedgerVersion, requiresApproval: boolean) {
  const to = earlier.version
  if (!earlier.valid || earlier.text === null) {
    const problem = earlier.problem ? ` (${printable(earlier.problem)})` : ''
    return fail(
      'never_live',
      `version ${to} was never shown on the site${problem}; roll back to a version that was live`,
    )
  }
  if (requiresApproval && earlier.how !== 'publish' && earlier.how !== 'rollback') {
    return fail(
      'approval_required',
      `version ${to} ${UNAPPROVED[earlier.how] ?? `was made by ${earlier.how}`}, and no second editor approved its text, so where approval is required one editor alone cannot make it live again: propose its text instead, and another editor approves it`,
    )
  }
  // Where approval is off, an imported text may be rolled back to though the ledger never saw it live.
  if (wasShown(sql, earlier) || earlier.how === 'import') return undefined
  return fail('never_live', `version ${to} was never shown on the site; roll back to a version that was live`)
}
