import { Hono } from 'hono'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { APPROVE_BODY, jsonBody, PUBLISH_BODY, REJECT_BODY, ROLLBACK_BODY } from '../../../src/editor/routes/schemas.ts'

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
