// Which disclaimers only a reviewer may approve, and how often a page's review falls due: content/review-rules.json,
// checked at build time (scripts/build-content.ts) by `checkReviewRules` and bundled, so every part reads one copy.
import { GENERATED_REVIEW_RULES } from './review-rules.generated.ts'
import type { ReviewRules } from './review-types.ts'

export type { ReviewRules } from './review-types.ts'

export const REVIEW_RULES_FILE = 'content/review-rules.json'

export const MAX_REVIEW_MONTHS = 36
const DAY_MS = 86_400_000

export type CheckedRules = { ok: true; rules: ReviewRules } | { ok: false; reason: string }

const EXAMPLE = '{"reviewerMustApprove": ["global"], "reviewDueAfterMonths": 12, "remindDaysBefore": 30}'

function wholeNumber(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
}

/** Checks the rules file's JSON against the site's targets; the reason names the field and what to write. */
export function checkReviewRules(value: unknown, targets: readonly string[]): CheckedRules {
  const fail = (reason: string): CheckedRules => ({ ok: false, reason: `${REVIEW_RULES_FILE}: ${reason}` })
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(`must be a JSON object such as ${EXAMPLE}`)
  }
  const { reviewerMustApprove, reviewDueAfterMonths, remindDaysBefore, ...rest } = value as Record<string, unknown>
  const unknown = Object.keys(rest)
  if (unknown.length > 0) {
    return fail(
      `unknown field ${unknown.map((name) => `"${name}"`).join(', ')}; the fields are reviewerMustApprove, reviewDueAfterMonths, remindDaysBefore`,
    )
  }
  if (!Array.isArray(reviewerMustApprove) || !reviewerMustApprove.every((entry) => typeof entry === 'string')) {
    return fail(`"reviewerMustApprove" must be a list of disclaimers, e.g. ["global", "dosage-and-safety"]`)
  }
  for (const [index, target] of reviewerMustApprove.entries()) {
    if (!targets.includes(target)) {
      return fail(`"reviewerMustApprove" names "${target}", which is no disclaimer; use ${targets.join(', ')}`)
    }
    if (reviewerMustApprove.indexOf(target) !== index) return fail(`"reviewerMustApprove" names "${target}" twice`)
  }
  if (!wholeNumber(reviewDueAfterMonths, 1, MAX_REVIEW_MONTHS)) {
    return fail(`"reviewDueAfterMonths" must be a whole number of months from 1 to ${MAX_REVIEW_MONTHS}, e.g. 12`)
  }
  // A month is at least 28 days: the first reminder must come after the review it reminds of.
  const longest = reviewDueAfterMonths * 28 - 1
  if (!wholeNumber(remindDaysBefore, 1, longest)) {
    return fail(
      `"remindDaysBefore" must be a whole number of days from 1 to ${longest} (shorter than ${reviewDueAfterMonths} month(s)), e.g. 30`,
    )
  }
  return { ok: true, rules: { reviewerMustApprove, reviewDueAfterMonths, remindDaysBefore } }
}

/** The rules as bundled. */
export const REVIEW_RULES: ReviewRules = GENERATED_REVIEW_RULES

/** Whether a disclaimer goes live only with a reviewer's approval. */
export function reviewerMustApprove(target: string, rules: ReviewRules = REVIEW_RULES): boolean {
  return rules.reviewerMustApprove.includes(target)
}

/**
 * When a review made at `at` falls due: the same time of day `reviewDueAfterMonths` calendar months later (UTC), or
 * the month's last day when it has no such date (31 January + 1 month is 28 or 29 February).
 */
export function reviewDueAt(at: number, rules: ReviewRules = REVIEW_RULES): number {
  const date = new Date(at)
  const month = date.getUTCMonth() + rules.reviewDueAfterMonths
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), month + 1, 0)).getUTCDate()
  const due = new Date(at)
  due.setUTCDate(1)
  due.setUTCMonth(month)
  due.setUTCDate(Math.min(date.getUTCDate(), lastDay))
  return due.getTime()
}

/** When reviewers are first told a review falls due: `remindDaysBefore` days before it. */
export function reviewReminderAt(due: number, rules: ReviewRules = REVIEW_RULES): number {
  return due - rules.remindDaysBefore * DAY_MS
}
