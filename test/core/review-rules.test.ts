import { describe, expect, it } from 'vitest'
import {
  checkReviewRules,
  REVIEW_RULES,
  type ReviewRules,
  reviewDueAt,
  reviewerMustApprove,
  reviewReminderAt,
} from '../../src/core/review-rules.ts'
import { TARGETS } from '../../src/core/site-map.ts'

const RULES: ReviewRules = { reviewerMustApprove: ['global'], reviewDueAfterMonths: 12, remindDaysBefore: 30 }

describe('review-rules', () => {
  it('bundles content/review-rules.json: a reviewer approves the global disclaimer and the dosage note, yearly', () => {
    expect(REVIEW_RULES).toEqual({
      reviewerMustApprove: ['global', 'dosage-and-safety'],
      reviewDueAfterMonths: 12,
      remindDaysBefore: 30,
    })
    expect(reviewerMustApprove('dosage-and-safety')).toBe(true)
    expect(reviewerMustApprove('conclusion')).toBe(false)
    expect(reviewerMustApprove('global', RULES)).toBe(true)
    expect(reviewerMustApprove('conclusion', RULES)).toBe(false)
  })

  it('accepts a well-formed file', () => {
    expect(checkReviewRules(RULES, TARGETS)).toEqual({ ok: true, rules: RULES })
    expect(checkReviewRules({ ...RULES, reviewerMustApprove: [] }, TARGETS).ok).toBe(true)
  })

  it.each([
    ['a list', [], 'must be a JSON object such as'],
    ['an unknown field', { ...RULES, reviewEvery: 1 }, 'unknown field "reviewEvery"; the fields are'],
    ['targets that are not a list', { ...RULES, reviewerMustApprove: 'global' }, 'must be a list of disclaimers'],
    [
      'a target that does not exist',
      { ...RULES, reviewerMustApprove: ['dosage'] },
      '"reviewerMustApprove" names "dosage", which is no disclaimer; use global, home,',
    ],
    ['a target twice', { ...RULES, reviewerMustApprove: ['global', 'global'] }, 'names "global" twice'],
    ['a period of 0 months', { ...RULES, reviewDueAfterMonths: 0 }, 'whole number of months from 1 to 36'],
    ['a period of 1.5 months', { ...RULES, reviewDueAfterMonths: 1.5 }, 'whole number of months from 1 to 36'],
    ['no period', { ...RULES, reviewDueAfterMonths: undefined }, 'whole number of months from 1 to 36'],
    [
      'a reminder as long as the period',
      { ...RULES, reviewDueAfterMonths: 1, remindDaysBefore: 28 },
      '"remindDaysBefore" must be a whole number of days from 1 to 27 (shorter than 1 month(s))',
    ],
    ['a reminder of 0 days', { ...RULES, remindDaysBefore: 0 }, 'from 1 to 335'],
  ])('refuses %s, naming the file and the field', (_, value, reason) => {
    const checked = checkReviewRules(value, TARGETS)
    expect(checked.ok).toBe(false)
    expect(!checked.ok && checked.reason).toContain(reason)
    expect(!checked.ok && checked.reason.startsWith('content/review-rules.json: ')).toBe(true)
  })

  it('makes a review due the same time of day, whole calendar months later, on the month’s last day if it is short', () => {
    const due = (at: string, months: number) =>
      new Date(reviewDueAt(Date.parse(at), { ...RULES, reviewDueAfterMonths: months })).toISOString()
    expect(due('2026-12-07T15:04:05.000Z', 12)).toBe('2027-12-07T15:04:05.000Z')
    expect(due('2027-01-31T10:00:00.000Z', 1)).toBe('2027-02-28T10:00:00.000Z')
    expect(due('2027-12-31T10:00:00.000Z', 2)).toBe('2028-02-29T10:00:00.000Z')
    expect(due('2028-02-29T00:00:00.000Z', 12)).toBe('2029-02-28T00:00:00.000Z')
    expect(due('2026-03-15T00:00:00.000Z', 36)).toBe('2029-03-15T00:00:00.000Z')
  })

  it('reminds the set number of days before a review falls due', () => {
    const due = Date.parse('2027-12-07T15:00:00.000Z')
    expect(new Date(reviewReminderAt(due, RULES)).toISOString()).toBe('2027-11-07T15:00:00.000Z')
  })
})
