// The KV contract's signature: made only with LEDGER_SECRET, holding for one key, row, text and chain hash.
import { describe, expect, it, vi } from 'vitest'
import { sha256Hex } from '../../src/core/keys.ts'
import { ledgerSecretProblem, newLedgerSecret, signMetadata, verifyMetadata } from '../../src/core/kv-contract.ts'

const SECRET = '0f'.repeat(32)
const KEY = 'disclaimer:conclusion'

describe('ledgerSecretProblem', () => {
  it('takes 32 or more random bytes as hex, and says what a secret must be otherwise', () => {
    expect(ledgerSecretProblem(SECRET)).toBeUndefined()
    expect(ledgerSecretProblem(`${SECRET}ABCD`)).toBeUndefined()
    expect(ledgerSecretProblem(newLedgerSecret())).toBeUndefined()
    expect(ledgerSecretProblem(undefined)).toBe(
      'LEDGER_SECRET is not set; make one with `npm run disclaimer -- secret` and set it with `wrangler secret put LEDGER_SECRET`',
    )
    for (const bad of ['0f'.repeat(31), `${SECRET}a`, `${SECRET.slice(2)}zz`, `${SECRET} `, 'x'.repeat(64)]) {
      expect(ledgerSecretProblem(bad), bad).toMatch(/^LEDGER_SECRET must be at least 32 random bytes written as hex/)
    }
  })
})

describe('signMetadata and verifyMetadata', () => {
  it('sign a row for one key, text and chain hash, and hold for nothing else', async () => {
    const sha256 = await sha256Hex('The closing note.')
    const chain = 'c'.repeat(64)
    const metadata = await signMetadata(SECRET, { key: KEY, seq: 12, sha256, chain })

    expect(metadata).toEqual({
      seq: 12,
      hash: sha256.slice(0, 16),
      chain,
      sig: expect.stringMatching(/^[0-9a-f]{64}$/),
    })
    expect(await verifyMetadata(SECRET, KEY, sha256, metadata)).toEqual({ seq: 12, chain, log: null })
    const others: [string, Promise<unknown>][] = [
      ['another key', verifyMetadata(SECRET, 'disclaimer', sha256, metadata)],
      ['another text', verifyMetadata(SECRET, KEY, await sha256Hex('Another note.'), metadata)],
      ['another row', verifyMetadata(SECRET, KEY, sha256, { ...metadata, seq: 13 })],
      ['another chain hash', verifyMetadata(SECRET, KEY, sha256, { ...metadata, chain: 'd'.repeat(64) })],
      ['no chain hash', verifyMetadata(SECRET, KEY, sha256, { ...metadata, chain: undefined })],
      ['another secret', verifyMetadata('ab'.repeat(32), KEY, sha256, metadata)],
      ['no signature', verifyMetadata(SECRET, KEY, sha256, { ...metadata, sig: undefined })],
      ['a malformed signature', verifyMetadata(SECRET, KEY, sha256, { ...metadata, sig: 'zz' })],
      ['no metadata', verifyMetadata(SECRET, KEY, sha256, null)],
      ['a string', verifyMetadata(SECRET, KEY, sha256, 'seq=12')],
    ]
    for (const [what, verdict] of others) expect(await verdict, what).toBeNull()
  })

  it('sign the log entry a row is, when given, and hold for no other entry; metadata from before the log still holds', async () => {
    const sha256 = await sha256Hex('The closing note.')
    const chain = 'c'.repeat(64)
    const metadata = await signMetadata(SECRET, { key: KEY, seq: 12, sha256, chain, log: 11 })
    const before = await signMetadata(SECRET, { key: KEY, seq: 12, sha256, chain })

    expect(metadata).toMatchObject({ seq: 12, chain, log: 11 })
    expect(await verifyMetadata(SECRET, KEY, sha256, metadata)).toEqual({ seq: 12, chain, log: 11 })
    expect(await verifyMetadata(SECRET, KEY, sha256, { ...metadata, log: 12 })).toBeNull()
    expect(await verifyMetadata(SECRET, KEY, sha256, { ...metadata, log: undefined })).toBeNull()
    expect(await verifyMetadata(SECRET, KEY, sha256, { ...metadata, log: -1 })).toBeNull()
    expect(await verifyMetadata(SECRET, KEY, sha256, { ...before, log: 11 })).toBeNull()
    expect(await verifyMetadata(SECRET, KEY, sha256, before)).toEqual({ seq: 12, chain, log: null })
  })

  it('write no signature without a usable secret, and believe none then, saying so once', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const sha256 = await sha256Hex('The closing note.')
    const unsigned = await signMetadata('too short', { key: KEY, seq: 3, sha256, chain: null })
    const signed = await signMetadata(SECRET, { key: KEY, seq: 3, sha256, chain: null })

    expect(unsigned).toEqual({ seq: 3, hash: sha256.slice(0, 16) })
    expect(await verifyMetadata('too short', KEY, sha256, signed)).toBeNull()
    expect(errors.mock.calls.filter(([message]) => String(message).startsWith('LEDGER_SECRET must be'))).toHaveLength(1)
    errors.mockRestore()
  })
})
