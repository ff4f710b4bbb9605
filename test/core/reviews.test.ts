import { describe, expect, it } from 'vitest'
import { type PageReview, parseReview, reviewKey, reviewValue } from '../../src/core/reviews.ts'

const REVIEW: PageReview = {
  page: 'conclusion',
  hash: 'ab'.repeat(32),
  name: 'Dr. Ana Lee',
  credentials: 'MD, toxicology',
  at: '2026-12-07T15:04:05.000Z',
  date: '2026-12-07',
}

describe('reviews', () => {
  it('keeps a page’s current review under review:<page>', () => {
    expect(reviewKey('conclusion')).toBe('review:conclusion')
  })

  it('reads back the value the ledger writes, its fields in a fixed order', () => {
    const text = reviewValue({ ...REVIEW })
    expect(text).toBe(
      `{"page":"conclusion","hash":"${'ab'.repeat(32)}","name":"Dr. Ana Lee","credentials":"MD, toxicology","at":"2026-12-07T15:04:05.000Z","date":"2026-12-07"}`,
    )
    expect(parseReview('conclusion', text)).toEqual(REVIEW)
  })

  it.each([
    ['nothing', null],
    ['text that is not JSON', 'Dr. Ana Lee'],
    ['JSON that is not an object', '"x"'],
    ['a review of another page', JSON.stringify({ ...REVIEW, page: 'home' })],
    ['a short hash', JSON.stringify({ ...REVIEW, hash: 'ab'.repeat(8) })],
    ['no name', JSON.stringify({ ...REVIEW, name: '' })],
    ['a name with a control character', JSON.stringify({ ...REVIEW, name: 'Dr.\u001b[31m Lee' })],
    ['a name with spaces around it', JSON.stringify({ ...REVIEW, name: ' Dr. Ana Lee' })],
    ['credentials too long', JSON.stringify({ ...REVIEW, credentials: 'x'.repeat(121) })],
    ['a time without an offset', JSON.stringify({ ...REVIEW, at: '2026-12-07T15:04:05' })],
    ['a date that is not YYYY-MM-DD', JSON.stringify({ ...REVIEW, date: '7 December 2026' })],
  ])('reads no review from %s', (_, text) => {
    expect(parseReview('conclusion', text)).toBeUndefined()
  })
})
