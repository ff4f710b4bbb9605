// The shapes of the admin API's JSON bodies and query strings. Unknown fields and parameters are refused (own
// properties only, so `__proto__` or `constructor` beside `text` is an unknown field); what the strings may contain
// is the one text rule's job.
import { sValidator } from '@hono/standard-validator'
import * as v from 'valibot'
import { MAX_PAGE } from '../../core/ledger-types.ts'
import { SITE_PAGES, TARGETS } from '../../core/site-map.ts'
import { INSTANT_EXAMPLE, parseInstant } from '../../core/time.ts'
import { errorJson } from '../../site/http/errors.ts'

const note = v.optional(v.string('note: expected a string'))
const version = v.pipe(
  v.number('version: expected a version number from the history'),
  v.integer('version: expected a whole number'),
  v.minValue(1, 'version: expected a version number from the history'),
)

/** One message per way a body can fail at the object level: not an object, a field missing, a field unknown. */
function fields(allowed: string) {
  return (issue: { input: unknown; expected: string | null }) => {
    if (issue.expected === 'never') return `${String(issue.input)}: unknown field; allowed: ${allowed}`
    if (issue.expected?.startsWith('"')) return `${issue.expected.slice(1, -1)}: missing; the body has ${allowed}`
    return `body: expected a JSON object with ${allowed}`
  }
}

const effectiveAt = v.optional(v.string('effectiveAt: expected an ISO 8601 date and time with its offset'))

/** A JSON object body with exactly these fields: an array (which an object schema takes) is refused first. */
function body<Entries extends v.ObjectEntries>(entries: Entries, allowed: string) {
  const expected = `body: expected a JSON object with ${allowed}`
  return v.pipe(
    v.custom<Record<string, unknown>>(
      (input) => typeof input === 'object' && input !== null && !Array.isArray(input),
      expected,
    ),
    v.strictObject(entries, fields(allowed)),
  )
}

export const PUBLISH_BODY = body(
  { text: v.string('text: expected a string'), note, effectiveAt },
  'text, note, effectiveAt',
)
export const ROLLBACK_BODY = body({ version, note }, 'version, note')
export const APPROVE_BODY = body({ note }, 'note')
export const REJECT_BODY = body({ reason: v.string('reason: expected a string') }, 'reason')
/** A reviewer's attestation: the content hash of the words they read (as `GET /admin/reviews/<page>` gives it). */
export const REVIEW_BODY = body(
  {
    hash: v.pipe(
      v.string('hash: expected the page content hash you reviewed'),
      v.regex(/^[0-9a-f]{64}$/, 'hash: expected a page content hash, 64 lowercase hex digits'),
    ),
    note,
  },
  'hash, note',
)
/** Seeding takes nothing: an empty object, `{}`. */
export const SEED_BODY = body({}, 'no fields: {}')

/** A query parameter given once, as a string (a repeated one arrives as a list). */
function once(name: string, what: string) {
  return v.string(`${name}: give it once, as ${what}`)
}

/** A whole number as an address writes it: no sign, no leading zero, no exponent, at most 16 digits. */
const WHOLE_NUMBER = /^(0|[1-9][0-9]{0,15})$/

/** A whole number in range, as a query parameter, read as a number. */
function wholeNumber(name: string, min: number, max: number) {
  const what = `a whole number from ${min} to ${max}`
  return v.pipe(
    once(name, what),
    v.regex(WHOLE_NUMBER, `${name}: expected ${what}, written without leading zeros`),
    v.transform(Number),
    v.minValue(min, `${name}: expected ${what}`),
    v.maxValue(max, `${name}: expected ${what}`),
  )
}

const PREVIEW_PATHS = SITE_PAGES.map((page) => page.path)

const limit = v.optional(wholeNumber('limit', 1, MAX_PAGE))
const before = v.optional(wholeNumber('before', 1, Number.MAX_SAFE_INTEGER))

/** Query parameters: each known one checked, a required one missing named with what to send, any other refused. */
function query<Entries extends v.ObjectEntries>(entries: Entries, required: Record<string, string> = {}) {
  const allowed = Object.keys(entries).join(', ') || 'none'
  return v.strictObject(entries, (issue) => {
    if (issue.expected === 'never')
      return `${String(issue.input)}: unknown query parameter; this route takes ${allowed}`
    const missing = issue.expected?.startsWith('"') ? issue.expected.slice(1, -1) : undefined
    if (missing) return `${missing}: missing; send ${required[missing] ?? 'it'}`
    return `the query string is not valid; this route takes ${allowed}`
  })
}

const INSTANT = `an ISO 8601 date and time with its offset, e.g. ${INSTANT_EXAMPLE}`

export const NO_QUERY = query({})
export const PAGE_QUERY = query({ limit, before })
export const EXPORT_QUERY = query({
  after: v.optional(wholeNumber('after', 0, Number.MAX_SAFE_INTEGER)),
  limit: v.optional(wholeNumber('limit', 1, 1000)),
})

export const NOTIFICATIONS_QUERY = query({
  version: v.optional(wholeNumber('version', 1, Number.MAX_SAFE_INTEGER)),
  proposal: v.optional(wholeNumber('proposal', 1, Number.MAX_SAFE_INTEGER)),
  limit,
  before,
})

export const PROPOSALS_QUERY = query({
  status: v.optional(
    v.picklist(
      ['open', 'approved', 'rejected', 'cancelled', 'expired', 'superseded'],
      'status: expected open, approved, rejected, cancelled, expired or superseded, given once',
    ),
  ),
  target: v.optional(once('target', 'a disclaimer name')),
  limit,
  before,
})
export const TIME_QUERY = query(
  {
    time: v.pipe(
      once('time', INSTANT),
      v.check((text) => parseInstant(text) !== undefined, `time: expected ${INSTANT}`),
    ),
  },
  { time: `?time= with ${INSTANT}` },
)

/**
 * What the schemas above cannot see of an address: a query parameter without a name (`?=1`, which the query parser
 * drops), and a number in the path not written as the API writes it (`/versions/08`, or past 2^53). The same check
 * for every route of the API and the console; undefined when the address is fine.
 */
export function addressProblem(url: string): { code: 'invalid_query' | 'invalid_path'; message: string } | undefined {
  const { pathname, search } = new URL(url)
  for (const [name, value] of new URLSearchParams(search)) {
    if (name === '') {
      const message = `the query string has a parameter without a name ("=${value}"); send name=value pairs`
      return { code: 'invalid_query', message }
    }
  }
  for (const segment of pathname.split('/')) {
    if (/^[0-9]+$/.test(segment) && !(WHOLE_NUMBER.test(segment) && Number(segment) <= Number.MAX_SAFE_INTEGER)) {
      const message = `${segment} in the address is not a number as the API writes it: a whole number up to ${Number.MAX_SAFE_INTEGER}, without leading zeros`
      return { code: 'invalid_path', message }
    }
  }
  return undefined
}

/** Checks a JSON body against a schema: 400 with the first problem, or the typed body in `c.req.valid('json')`. */
export function jsonBody<Schema extends v.GenericSchema>(schema: Schema) {
  return sValidator('json', schema, (result, c) => {
    if (!result.success) {
      const first = result.error[0]
      return errorJson(c, 400, 'invalid_body', first?.message ?? 'the body does not have the expected fields')
    }
  })
}

/** Checks the query string against a schema: 400 naming the parameter at fault, or the values in `c.req.valid('query')`. */
export function queryOf<Schema extends v.GenericSchema>(schema: Schema) {
  return sValidator('query', schema, (result, c) => {
    if (!result.success) {
      const first = result.error[0]
      return errorJson(c, 400, 'invalid_query', first?.message ?? 'the query string is not valid')
    }
  })
}

// The console's query strings: the same treatment, answered with a page instead of JSON.

export const CONSOLE_PROPOSALS_QUERY = query({
  target: v.optional(v.picklist(TARGETS, `target: expected one of ${TARGETS.join(', ')}, given once`)),
})

export const CONSOLE_PAGE_QUERY = query({ before })

export const CONSOLE_PREVIEW_QUERY = query({
  page: v.optional(v.picklist(PREVIEW_PATHS, `page: expected one of ${PREVIEW_PATHS.join(', ')}, given once`)),
})

/** A time as a datetime-local field sends it, in the site's time zone (read there by wallTimeIn). */
const wallAt = v.optional(
  v.pipe(
    once('at', 'a date and time'),
    v.check(
      (text) => text === '' || parseInstant(`${text}Z`) !== undefined,
      'at: expected a date and time such as 2026-11-28T09:30, in the site’s time zone',
    ),
  ),
)

/** The history page's "what was live at", as a datetime-local field sends it; and its paging. */
export const CONSOLE_HISTORY_QUERY = query({ at: wallAt, before })

/** The time a page is shown as of (the console's "as of T" view). */
export const CONSOLE_AT_QUERY = query({ at: wallAt })

/** The fields each console form sends (its POST path, then its fields): any other, or one sent twice, is refused. */
export const CONSOLE_FORMS: readonly [path: RegExp, fields: readonly string[]][] = [
  [/^\/console\/sign-in$/, ['token']],
  [/^\/console\/sign-out$/, []],
  [/^\/console\/disclaimers\/[^/]+\/drafts(\/[0-9a-f]+)?$/, ['base', 'text', 'note']],
  [/^\/console\/disclaimers\/[^/]+\/drafts\/[0-9a-f]+\/(publish|propose)$/, ['seen', 'effective']],
  [/^\/console\/disclaimers\/[^/]+\/drafts\/[0-9a-f]+\/(restart|discard)$/, []],
  [/^\/console\/disclaimers\/[^/]+\/rollback\/[0-9]+$/, ['base', 'note']],
  [/^\/console\/proposals\/[0-9]+\/approve$/, ['seen']],
  [/^\/console\/proposals\/[0-9]+\/reject$/, ['reason']],
  [/^\/console\/schedules\/[0-9]+\/cancel$/, ['reason']],
  [/^\/console\/reviews\/[^/]+$/, ['hash', 'note']],
]

/** Why a console form is refused: a field it does not have, one sent twice, or a file; undefined when it is fine. */
export function formProblem(path: string, form: FormData): string | undefined {
  const allowed = CONSOLE_FORMS.find(([pattern]) => pattern.test(path))?.[1]
  if (!allowed) return undefined
  const seen = new Set<string>()
  for (const [name, value] of form) {
    if (!allowed.includes(name)) {
      return `${name || '(a field without a name)'}: not a field of this form; it sends ${allowed.join(', ') || 'no fields'}`
    }
    if (seen.has(name)) return `${name}: sent twice; send it once`
    if (typeof value !== 'string') return `${name}: expected text, not a file`
    seen.add(name)
  }
  return undefined
}

/**
 * Why a console request is refused before its route sees it: its address (`addressProblem`), a query string on a
 * form's POST (forms post to their address alone), a body that is not a form, or a form's fields (`formProblem`).
 */
export async function consoleRequestProblem(
  request: Request,
  path: string,
  formData: () => Promise<FormData>,
): Promise<string | undefined> {
  const address = addressProblem(request.url)
  if (address) return address.message
  if (request.method !== 'POST') return undefined
  if (new URL(request.url).search !== '') return 'a form is sent to its address alone, without a query string'
  let form: FormData
  try {
    form = await formData()
  } catch {
    return 'the request did not send a form, as the console’s pages do'
  }
  return formProblem(path, form)
}
