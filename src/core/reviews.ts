// A page's review as pages read it: the KV value the ledger writes under `review:<page>` for the page's current
// review, checked here on read. Pages show it only while the words they serve hash to the words it names.
import { parseInstant } from './time.ts'
import { validateField } from './validate.ts'

export const REVIEW_KEY_PREFIX = 'review:'
/** The most characters a reviewer's name and credentials may have (EDITORS): one line on a page. */
export const MAX_REVIEWER_NAME = 80
export const MAX_CREDENTIALS = 120

/** The KV key of a page's current review. */
export function reviewKey(page: string): string {
  return `${REVIEW_KEY_PREFIX}${page}`
}

/**
 * What pages show of a review: who (their name and credentials, as EDITORS gave them when they attested), which
 * words (the page's content hash), and when. Never the reviewer's editor name or their note, which are not public.
 */
export interface PageReview {
  page: string
  /** The content hash (core/article/page-hash.ts) of the words reviewed, 64 hex digits. */
  hash: string
  name: string
  credentials: string
  /** When the ledger recorded the review: ISO 8601, UTC. */
  at: string
  /** That instant's date in the site's time zone (YYYY-MM-DD): the date pages show. */
  date: string
  /** The review's entry in the public log, from the ledger's signed KV metadata (not the value): what pages name. */
  logIndex?: number
}

const HASH = /^[0-9a-f]{64}$/
const DATE = /^\d{4}-\d{2}-\d{2}$/

function line(value: unknown, max: number): string | undefined {
  const checked = validateField(value, 'field', { max, required: true })
  return checked.ok && checked.value === value ? checked.value : undefined
}

/**
 * The review a KV value holds for `page`, or undefined for anything else (not JSON, another page, a field missing
 * or malformed). Never throws: the value is read on a visitor's request.
 */
export function parseReview(page: string, text: string | null | undefined): PageReview | undefined {
  if (typeof text !== 'string') return undefined
  let value: Record<string, unknown>
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const name = line(value.name, MAX_REVIEWER_NAME)
  const credentials = line(value.credentials, MAX_CREDENTIALS)
  const { hash, at, date } = value
  if (value.page !== page || typeof hash !== 'string' || !HASH.test(hash) || !name || !credentials) return undefined
  if (typeof at !== 'string' || parseInstant(at) === undefined) return undefined
  if (typeof date !== 'string' || !DATE.test(date)) return undefined
  return { page, hash, name, credentials, at, date }
}

/** The value the ledger writes: the fields in a fixed order, so equal reviews are equal texts. */
export function reviewValue(review: PageReview): string {
  const { page, hash, name, credentials, at, date } = review
  return JSON.stringify({ page, hash, name, credentials, at, date })
}
