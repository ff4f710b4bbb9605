import { Hono } from 'hono'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import {
  APPROVE_BODY,
  addressProblem,
  consoleRequestProblem,
  jsonBody,
  PAGE_QUERY,
  PUBLISH_BODY,
  REJECT_BODY,
  ROLLBACK_BODY,
  SEED_BODY,
} from '../../../src/editor/routes/schemas.ts'

/** The first message a schema gives for a raw JSON body, or undefined when it accepts it. */
function problem(schema: v.GenericSchema, json: string): string | undefined {
  const result = v.safeParse(schema, JSON.parse(json))
  return result.success ? undefined : result.issues[0].message
}

describe('PUBLISH_BODY', () => {
  it.each(['{"text":"Not medical advice."}', '{"text":"Not medical advice.","note":"legal review"}'])(
    'accepts %s',
    (json) => {
      expect(problem(PUBLISH_BODY, json)).toBeUndefined()
    },
  )

  it.each([
    ['a name for who wrote it', '{"text":"x","editor":"mallory"}', 'editor'],
    ['a "by" field', '{"text":"x","by":"alice"}', 'by'],
    ['an own __proto__ key', '{"text":"x","__proto__":{}}', '__proto__'],
    ['an own constructor key', '{"text":"x","constructor":1}', 'constructor'],
    ['an own toString key', '{"text":"x","toString":"y"}', 'toString'],
    ['an own hasOwnProperty key', '{"text":"x","hasOwnProperty":true}', 'hasOwnProperty'],
    ['markup on the side', '{"text":"x","html":"<b>x</b>"}', 'html'],
  ])('refuses %s as an unknown field', (_, json, field) => {
    expect(problem(PUBLISH_BODY, json)).toBe(`${field}: unknown field; allowed: text, note, effectiveAt`)
  })

  it.each([
    ['a missing text', '{"note":"n"}', 'text: missing; the body has text, note, effectiveAt'],
    ['text hidden in __proto__', '{"__proto__":{"text":"x"}}', 'text: missing; the body has text, note, effectiveAt'],
    ['a text that is not a string', '{"text":42}', 'text: expected a string'],
    ['a null text', '{"text":null}', 'text: expected a string'],
    ['a note that is not a string', '{"text":"x","note":5}', 'note: expected a string'],
    ['a null note', '{"text":"x","note":null}', 'note: expected a string'],
    ['null', 'null', 'body: expected a JSON object with text, note, effectiveAt'],
    ['a string', '"x"', 'body: expected a JSON object with text, note, effectiveAt'],
    ['a number', '1', 'body: expected a JSON object with text, note, effectiveAt'],
  ])('refuses %s, saying what is wrong', (_, json, message) => {
    expect(problem(PUBLISH_BODY, json)).toBe(message)
  })
})

describe('ROLLBACK_BODY', () => {
  it.each(['{"version":3}', '{"version":1,"note":"back to the reviewed text"}'])('accepts %s', (json) => {
    expect(problem(ROLLBACK_BODY, json)).toBeUndefined()
  })

  it.each([
    ['a version as a string', '{"version":"3"}', 'version: expected a version number from the history'],
    ['version 0', '{"version":0}', 'version: expected a version number from the history'],
    ['a negative version', '{"version":-2}', 'version: expected a version number from the history'],
    ['a fractional version', '{"version":1.5}', 'version: expected a whole number'],
    ['a missing version', '{}', 'version: missing; the body has version, note'],
    ['an unknown field', '{"version":1,"to":2}', 'to: unknown field; allowed: version, note'],
    ['an own __proto__ key', '{"version":1,"__proto__":{}}', '__proto__: unknown field; allowed: version, note'],
  ])('refuses %s', (_, json, message) => {
    expect(problem(ROLLBACK_BODY, json)).toBe(message)
  })
})

describe('APPROVE_BODY and REJECT_BODY', () => {
  it('accepts an approval with or without a note, and a rejection with a reason', () => {
    expect(problem(APPROVE_BODY, '{}')).toBeUndefined()
    expect(problem(APPROVE_BODY, '{"note":"checked against the label"}')).toBeUndefined()
    expect(problem(REJECT_BODY, '{"reason":"cites no source"}')).toBeUndefined()
  })

  it('refuses an approval naming its approver, and a rejection without a reason', () => {
    expect(problem(APPROVE_BODY, '{"by":"bob"}')).toBe('by: unknown field; allowed: note')
    expect(problem(REJECT_BODY, '{}')).toBe('reason: missing; the body has reason')
    expect(problem(REJECT_BODY, '{"reason":1}')).toBe('reason: expected a string')
  })
})

describe('jsonBody', () => {
  function post(body: string) {
    const app = new Hono()
    app.post('/', jsonBody(PUBLISH_BODY), (c) => c.json({ valid: c.req.valid('json') }))
    return app.request('/', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
  }

  it('hands the route the checked body', async () => {
    const res = await post('{"text":"Checked.","note":"n"}')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ valid: { text: 'Checked.', note: 'n' } })
  })

  it('answers the first problem with 400 invalid_body', async () => {
    const res = await post('{"text":"x","constructor":1}')
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      error: { code: 'invalid_body', message: 'constructor: unknown field; allowed: text, note, effectiveAt' },
    })
  })
})

describe('SEED_BODY', () => {
  it('takes an empty object and nothing else', () => {
    expect(problem(SEED_BODY, '{}')).toBeUndefined()
    expect(problem(SEED_BODY, '{"force":true}')).toBe('force: unknown field; allowed: no fields: {}')
    expect(problem(SEED_BODY, '[]')).toBe('body: expected a JSON object with no fields: {}')
    expect(problem(APPROVE_BODY, '[]')).toBe('body: expected a JSON object with note')
  })
})

describe('PAGE_QUERY', () => {
  it('takes a whole number written without leading zeros', () => {
    expect(v.safeParse(PAGE_QUERY, { limit: '10' }).success).toBe(true)
    expect(v.safeParse(PAGE_QUERY, { limit: '0' }).issues?.[0].message).toBe(
      'limit: expected a whole number from 1 to 500',
    )
    expect(v.safeParse(PAGE_QUERY, { limit: '01' }).issues?.[0].message).toBe(
      'limit: expected a whole number from 1 to 500, written without leading zeros',
    )
  })
})

describe('addressProblem', () => {
  it.each([
    ['/admin/audit?=', 'invalid_query', 'the query string has a parameter without a name ("="); send name=value pairs'],
    ['/admin/audit?limit=5&=1', 'invalid_query', 'the query string has a parameter without a name ("=1")'],
    [
      '/admin/disclaimers/global/versions/08',
      'invalid_path',
      '08 in the address is not a number as the API writes it: a whole number up to 9007199254740991, without leading zeros',
    ],
    ['/admin/proposals/9007199254740992', 'invalid_path', '9007199254740992 in the address is not a number'],
  ])('refuses %s', (path, code, message) => {
    const found = addressProblem(`https://kratom.test${path}`)
    expect(found?.code).toBe(code)
    expect(found?.message.startsWith(message)).toBe(true)
  })

  it.each([
    '/admin/audit',
    '/admin/audit?limit=5',
    '/admin/audit?&limit=5',
    '/admin/proposals/0',
    '/admin/proposals/10',
  ])('lets %s through', (path) => {
    expect(addressProblem(`https://kratom.test${path}`)).toBeUndefined()
  })
})

describe('consoleRequestProblem', () => {
  const post = (path: string, body: BodyInit, type = 'application/x-www-form-urlencoded') =>
    new Request(`https://kratom.test${path}`, { method: 'POST', headers: { 'Content-Type': type }, body })
  const check = (request: Request) =>
    consoleRequestProblem(request, new URL(request.url).pathname, () => request.formData())

  it('lets a form through with its own fields, and a GET without its body read', async () => {
    expect(await check(post('/console/proposals/3/reject', 'reason=not+now'))).toBeUndefined()
    expect(await check(post('/console/sign-out', ''))).toBeUndefined()
    expect(await check(new Request('https://kratom.test/console/proposals/3'))).toBeUndefined()
  })

  it.each([
    [
      'a field the form has not',
      '/console/proposals/3/reject',
      'reason=x&by=mallory',
      'by: not a field of this form; it sends reason',
    ],
    ['a field sent twice', '/console/proposals/3/reject', 'reason=x&reason=y', 'reason: sent twice; send it once'],
    [
      'a field without a name',
      '/console/sign-out',
      '=x',
      '(a field without a name): not a field of this form; it sends no fields',
    ],
    ['a query string', '/console/sign-out?next=/', '', 'a form is sent to its address alone, without a query string'],
    ['a number with a leading zero', '/console/proposals/03/approve', '', '03 in the address is not a number'],
  ])('refuses %s', async (_, path, body, message) => {
    expect((await check(post(path, body))) ?? '').toMatch(new RegExp(`^${message.replace(/[()]/g, '\\$&')}`))
  })

  it('refuses a body that is not a form', async () => {
    expect(await check(post('/console/proposals/3/reject', '{"reason":"x"}', 'application/json'))).toBe(
      'the request did not send a form, as the console’s pages do',
    )
  })
})
