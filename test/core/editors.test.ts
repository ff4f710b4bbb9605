import { describe, expect, it } from 'vitest'
import {
  ACCESS_ONLY,
  editorForToken,
  editorsFrom,
  MIN_TOKEN_LENGTH,
  newToken,
  tokenHash,
} from '../../src/core/editors.ts'
import { TEST_EDITORS, TEST_EDITORS_SECRET, TEST_REVIEWER } from '../fixtures/editors.ts'

function editors(raw: string) {
  const config = editorsFrom(raw)
  if (!config.ok) throw new Error(config.reason)
  return config.editors
}

describe('editors', () => {
  it('holds the hash of each test token, as the tests configure workerd with', async () => {
    for (const { token, hash } of Object.values(TEST_EDITORS)) expect(await tokenHash(token)).toBe(hash)
  })

  it('signs a token in as the editor it belongs to, and no other', async () => {
    const configured = editors(TEST_EDITORS_SECRET)
    expect(await editorForToken(configured, TEST_EDITORS.bob.token)).toBe('bob')
    expect(await editorForToken(configured, `${TEST_EDITORS.bob.token}x`)).toBeUndefined()
    expect(await editorForToken(configured, TEST_EDITORS.bob.token.slice(0, -1))).toBeUndefined()
  })

  it('never signs in a token shorter than the minimum, even one whose hash is configured', async () => {
    const short = 'x'.repeat(MIN_TOKEN_LENGTH - 1)
    const configured = editors(JSON.stringify({ weak: await tokenHash(short) }))
    expect(await editorForToken(configured, short)).toBeUndefined()
    const long = 'x'.repeat(MIN_TOKEN_LENGTH)
    expect(await editorForToken(editors(JSON.stringify({ ok: await tokenHash(long) })), long)).toBe('ok')
  })

  it('lets an Access-only editor exist without any token that signs them in', async () => {
    const configured = editors(TEST_EDITORS_SECRET)
    expect(configured.names.has('dana@example.org')).toBe(true)
    expect(configured.tokenHashes.has('dana@example.org')).toBe(false)
    expect(JSON.parse(TEST_EDITORS_SECRET)['dana@example.org']).toBe(ACCESS_ONLY)
  })

  it.each([
    ['unset', undefined, /not set/],
    ['empty', '  ', /not set/],
    ['not JSON', 'alice:abc', /not JSON/],
    ['a list', '["alice"]', /must be a JSON object/],
    ['an empty object', '{}', /names no editor/],
    ['a bad name', '{"al ice":"access"}', /"al ice" is not a valid editor name/],
    ['a name with a control character', '{"al\\u001bice":"access"}', /not a valid editor name/],
    [
      'a plain token instead of a hash',
      '{"alice":"correct-horse-battery-staple-0123456789"}',
      /must be "sha256:<64 hex digits>"/,
    ],
    ['a short hash', '{"alice":"sha256:abc"}', /must be "sha256/],
  ])('refuses an EDITORS secret that is %s, saying why', (_, raw, reason) => {
    const config = editorsFrom(raw)
    expect(config.ok).toBe(false)
    if (!config.ok) expect(config.reason).toMatch(reason)
  })

  it('makes new tokens of 43 URL-safe characters, different each time', () => {
    const [first, second] = [newToken(), newToken()]
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(first).not.toBe(second)
    expect(first.length).toBeGreaterThanOrEqual(MIN_TOKEN_LENGTH)
  })
})

describe('editors’ addresses', () => {
  it('reads an address from an entry, or from a name that is one, and none otherwise', () => {
    const configured = editors(
      JSON.stringify({
        alice: { token: TEST_EDITORS.alice.hash, email: 'alice@example.org' },
        'bob@example.org': TEST_EDITORS.bob.hash,
        carol: TEST_EDITORS.carol.hash,
        'dana@example.org': 'access',
        erin: { token: 'access', email: 'erin@example.org' },
      }),
    )
    expect([...configured.emails]).toEqual([
      ['alice', 'alice@example.org'],
      ['bob@example.org', 'bob@example.org'],
      ['dana@example.org', 'dana@example.org'],
      ['erin', 'erin@example.org'],
    ])
    expect(configured.tokenHashes.has('alice')).toBe(true)
    expect(configured.tokenHashes.has('erin')).toBe(false)
  })

  it.each([
    [
      { alice: { token: TEST_EDITORS.alice.hash, email: 'not an address' } },
      'is not an address the ledger can write to',
    ],
    [{ alice: { token: TEST_EDITORS.alice.hash, email: 'a@example.org\r\nBcc: x@example.org' } }, 'is not an address'],
    [{ alice: { token: TEST_EDITORS.alice.hash, phone: '1' } }, 'it has phone'],
    [{ alice: { email: 'alice@example.org' } }, 'must be'],
  ])('refuses the entry %j, saying why', (entry, reason) => {
    const config = editorsFrom(JSON.stringify(entry))
    expect(config.ok).toBe(false)
    expect(!config.ok && config.reason).toContain(reason)
  })
})

describe('editors’ reviewers', () => {
  it('reads a token reviewer and an Access reviewer with the name and credentials pages show', () => {
    const configured = editors(
      JSON.stringify({
        alice: TEST_EDITORS.alice.hash,
        drlee: { token: TEST_EDITORS.drlee.hash, reviewer: true, name: ' Dr. Ana Lee ', credentials: 'MD, toxicology' },
        'raj@example.org': { token: 'access', reviewer: true, name: 'Dr. Raj Patel', credentials: 'PharmD' },
        bob: { token: TEST_EDITORS.bob.hash, reviewer: false },
      }),
    )
    expect([...configured.reviewers.values()]).toEqual([
      { editor: 'drlee', name: 'Dr. Ana Lee', credentials: 'MD, toxicology' },
      { editor: 'raj@example.org', name: 'Dr. Raj Patel', credentials: 'PharmD' },
    ])
    expect(configured.names.has('raj@example.org')).toBe(true)
    expect(configured.tokenHashes.has('raj@example.org')).toBe(false)
  })

  it('holds the test reviewer as the tests configure workerd with', () => {
    expect(editors(TEST_EDITORS_SECRET).reviewers.get(TEST_REVIEWER.editor)).toEqual(TEST_REVIEWER)
  })

  const drlee = { token: TEST_EDITORS.drlee.hash, reviewer: true, name: 'Dr. Ana Lee', credentials: 'MD, toxicology' }
  it.each([
    ['no name', { ...drlee, name: undefined }, 'the "name" of reviewer "drlee" is empty'],
    ['no credentials', { ...drlee, credentials: undefined }, 'the "credentials" of reviewer "drlee" is empty'],
    ['a name that is not text', { ...drlee, name: 7 }, 'the "name" of reviewer "drlee" must be text'],
    ['a name with a line break', { ...drlee, name: 'Dr. Ana\nLee' }, 'contains the invisible or control character'],
    ['a name with a bidi control', { ...drlee, name: 'Dr. \u202eeeL anA' }, 'U+202E at position 5'],
    ['credentials too long', { ...drlee, credentials: 'x'.repeat(121) }, '121 characters long; the limit is 120'],
    ['"reviewer" that is not a boolean', { ...drlee, reviewer: 'yes' }, '"reviewer" of "drlee" must be true or false'],
    ['a name without "reviewer"', { token: drlee.token, name: 'Dr. Ana Lee' }, 'add "reviewer": true'],
    ['credentials on a non-reviewer', { ...drlee, reviewer: false }, 'is not a reviewer ("reviewer": false)'],
  ])('refuses a reviewer entry with %s, saying why', (_, entry, reason) => {
    const config = editorsFrom(JSON.stringify({ drlee: entry }))
    expect(config.ok).toBe(false)
    expect(!config.ok && config.reason).toContain(reason)
  })

  it('says what a reviewer entry holds when one is wrong', () => {
    const config = editorsFrom(JSON.stringify({ drlee: { ...drlee, credentials: '' } }))
    expect(!config.ok && config.reason).toBe(
      'EDITORS: the "credentials" of reviewer "drlee" is empty; say it in a few words (a reviewer\'s entry has "reviewer": true, "name": "Dr. Ana Lee", "credentials": "MD, toxicology")',
    )
  })
})
