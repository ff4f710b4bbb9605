import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { checkWrite, knownKeyOf, whenOf } from '../../src/ledger/requests.ts'

describe('checkWrite', () => {
  const request = { target: 'global', text: ' A text. ', base: 'none', by: 'alice' }

  it('answers the key, the parsed base and the text as the rule normalises it', () => {
    expect(checkWrite(env, request)).toEqual({
      ok: true,
      key: 'disclaimer',
      base: { version: 0 },
      text: 'A text.',
      by: 'alice',
      note: null,
    })
    expect(checkWrite(env, { ...request, base: `kv-${'a'.repeat(64)}` })).toMatchObject({
      base: { kv: 'a'.repeat(64) },
    })
  })

  it.each([
    [{ target: 'nowhere' }, 'unknown_target'],
    [{ by: 'mallory' }, 'unknown_editor'],
    [{ base: 'kv-abc' }, 'invalid_base'],
    [{ base: -1 }, 'invalid_base'],
    [{ text: '' }, 'invalid_text'],
    [{ note: 'a\nb' }, 'invalid_text'],
  ])('refuses %j with %s', (change, code) => {
    expect(checkWrite(env, { ...request, ...change })).toMatchObject({ ok: false, code })
  })
})

describe('whenOf', () => {
  const now = Date.parse('2026-12-04T12:00:00Z')
  it('reads a time with its offset, and refuses one without, one passed and one beyond a year', () => {
    expect(whenOf(undefined, now)).toBeUndefined()
    expect(whenOf('2026-12-04T08:00:00-05:00', now)).toBe(Date.parse('2026-12-04T13:00:00Z'))
    expect(whenOf('2026-12-04T13:00:00', now)).toMatchObject({ code: 'invalid_time' })
    expect(whenOf('2026-12-04T11:59:59Z', now)).toMatchObject({ code: 'invalid_time' })
    expect(whenOf('2027-12-05T12:00:00Z', now)).toMatchObject({ code: 'invalid_time' })
  })
})

describe('knownKeyOf', () => {
  it('names the KV key of every target and of nothing else', () => {
    expect(knownKeyOf('global')).toBe('disclaimer')
    expect(knownKeyOf('home')).toBe('disclaimer:home')
    expect(knownKeyOf('history/disclaimer')).toBeUndefined()
  })
})
