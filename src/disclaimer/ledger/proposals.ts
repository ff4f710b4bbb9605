// The two-person rule: a text is proposed against the version it replaces, and a different editor approves (through
// the commit) or rejects it. Each step is synchronous, like the commit.
import type { LedgerError, LedgerVersion, Proposal, ProposalResult } from '../records.ts'
import { fail, type ParsedBase, staleBase } from './commit.ts'
import { current, proposal } from './queries.ts'
import { type Observation, recordObservation } from './reconcile.ts'
import { insertDecision, insertProposal } from './record.ts'

export function unknownProposal(id: number): LedgerError {
  return fail('unknown_proposal', `there is no proposal ${id}; list the proposals to see them`)
}

/** Records an edit made around the ledger if there is one, checks the base, and records the proposal. */
export function openProposal(
  sql: SqlStorage,
  request: {
    observation: Observation
    key: string
    text: string
    hash: string
    base: ParsedBase
    by: string
    note: string | null
    now: number
  },
): ProposalResult & { external?: LedgerVersion | null } {
  const external = recordObservation(sql, request.observation, request.now)
  const now = current(sql, request.key)
  const stale = staleBase(now, request.base, request.observation)
  if (stale) return { ...stale, external }
  const id = insertProposal(sql, { ...request, base: now?.version ?? 0 })
  return { ok: true, proposal: proposal(sql, id) as Proposal, external }
}

/** Why `by` may not decide this proposal now, if they may not. */
export function decisionProblem(found: Proposal | null, id: number, by: string, approving: boolean) {
  if (!found) return unknownProposal(id)
  if (found.status !== 'open') {
    return fail('proposal_decided', `proposal ${id} was already ${found.status} by ${found.decidedBy}`)
  }
  if (approving && found.by === by) {
    return fail('self_approval', `${by} proposed this text, so a different editor must approve it`)
  }
  return undefined
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
