// The reviewer rule (content/review-rules.json): a disclaimer it names goes live only with a reviewer's approval, on
// every path: an approval, a publish where approval is off, a schedule at its time, a rollback.
import { editorsFrom, type Reviewer } from '../core/editors.ts'
import { targetOf } from '../core/keys.ts'
import type { LedgerError, LedgerVersion } from '../core/ledger-types.ts'
import { REVIEW_RULES_FILE, type ReviewRules, reviewerMustApprove } from '../core/review-rules.ts'
import { printable } from '../core/validate.ts'
import { fail } from './context.ts'

/** What the rule needs of the ledger: EDITORS (who the reviewers are) and the rules it enforces. */
export interface RuleSource {
  env: Pick<Env, 'EDITORS'>
  reviewRules: ReviewRules
}

/** The reviewers EDITORS names now, in its order. */
export function reviewersOf(env: Pick<Env, 'EDITORS'>): Reviewer[] {
  const config = editorsFrom(env.EDITORS)
  return config.ok ? [...config.editors.reviewers.values()] : []
}

export function reviewerOf(env: Pick<Env, 'EDITORS'>, editor: string): Reviewer | undefined {
  const config = editorsFrom(env.EDITORS)
  return config.ok ? config.editors.reviewers.get(editor) : undefined
}

/** Who can approve, in the words a refusal uses: each reviewer's name and editor name, or how to name one. */
export function whoCanApprove(env: Pick<Env, 'EDITORS'>, verb: 'approve' | 'review' = 'approve'): string {
  const reviewers = reviewersOf(env)
  if (reviewers.length === 0) {
    return 'no editor is a reviewer yet: give one an EDITORS entry with "reviewer": true, their name and credentials'
  }
  return `who can ${verb}: ${reviewers.map((reviewer) => `${reviewer.name} (${reviewer.editor})`).join(', ')}`
}

/** True where the rule names the disclaimer at `key` and `editor` is not a reviewer: they cannot make it live alone. */
export function needsAReviewer(source: RuleSource, key: string, editor: string): boolean {
  return reviewerMustApprove(targetOf(key), source.reviewRules) && !reviewerOf(source.env, editor)
}

/**
 * Refuses `approver` making a change to `key` live when the rule names its disclaimer and they are not a reviewer;
 * `instead` says what to do.
 */
export function reviewerProblem(
  source: RuleSource,
  key: string,
  approver: string,
  instead: string,
): LedgerError | undefined {
  if (!needsAReviewer(source, key, approver)) return undefined
  const target = targetOf(key)
  return fail(
    'reviewer_required',
    `${target} goes live only with a reviewer's approval (${REVIEW_RULES_FILE}), and ${printable(approver)} is not a reviewer: ${instead}; ${whoCanApprove(source.env)}`,
  )
}

/** For a schedule at its time: why its approver (or, for a publish, its maker) may not make it live now. */
export function goLiveReviewerProblem(source: RuleSource, key: string, approver: string): string | undefined {
  if (!needsAReviewer(source, key, approver)) return undefined
  return `${targetOf(key)} goes live only with a reviewer's approval (${REVIEW_RULES_FILE}), and ${approver} is not a reviewer; propose it again for a reviewer to approve (${whoCanApprove(source.env)})`
}

/**
 * A rollback restores a text already approved: where the rule names the disclaimer, one a reviewer approved (or
 * published) then, unless the editor rolling back is a reviewer themself.
 */
export function rollbackReviewerProblem(
  source: RuleSource,
  earlier: LedgerVersion,
  by: string,
): LedgerError | undefined {
  if (!reviewerMustApprove(earlier.target, source.reviewRules) || reviewerOf(source.env, by)) return undefined
  const approver = earlier.approvedBy ?? (earlier.how === 'publish' || earlier.how === 'rollback' ? earlier.by : null)
  if (approver !== null && reviewerOf(source.env, approver)) return undefined
  return fail(
    'reviewer_required',
    `${earlier.target} goes live only with a reviewer's approval (${REVIEW_RULES_FILE}); no reviewer approved version ${earlier.version}, and ${printable(by)} is not a reviewer: propose its text for a reviewer to approve, or ask a reviewer to roll back; ${whoCanApprove(source.env)}`,
  )
}
