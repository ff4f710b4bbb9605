// The shapes of the admin API's JSON bodies. Unknown fields are refused (own properties only, so `__proto__`
// or `constructor` beside `text` is an unknown field); what the strings may contain is the one text rule's job.
import { sValidator } from '@hono/standard-validator'
import * as v from 'valibot'
import { errorJson } from '../http/errors.ts'

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

export const PUBLISH_BODY = v.strictObject({ text: v.string('text: expected a string'), note }, fields('text, note'))
export const ROLLBACK_BODY = v.strictObject({ version, note }, fields('version, note'))
export const APPROVE_BODY = v.strictObject({ note }, fields('note'))
export const REJECT_BODY = v.strictObject({ reason: v.string('reason: expected a string') }, fields('reason'))

/** Checks a JSON body against a schema: 400 with the first problem, or the typed body in `c.req.valid('json')`. */
export function jsonBody<Schema extends v.GenericSchema>(schema: Schema) {
  return sValidator('json', schema, (result, c) => {
    if (!result.success) {
      const first = result.error[0]
      return errorJson(c, 400, 'invalid_body', first?.message ?? 'the body does not have the expected fields')
    }
  })
}
