import { describe, expect, it } from 'vitest'
import {
  contentHash,
  defaultFileOf,
  GLOBAL_KEY,
  keyOf,
  legacyHistoryPrefix,
  targetOf,
  targetOfDefaultFile,
} from '../../src/core/keys.ts'

describe('disclaimer keys', () => {
  it('names the global disclaimer "disclaimer" and a page note "disclaimer:<slug>", both ways', () => {
    expect(keyOf('global')).toBe(GLOBAL_KEY)
    expect(keyOf('dosage-and-safety')).toBe('disclaimer:dosage-and-safety')
    expect(targetOf('disclaimer')).toBe('global')
    expect(targetOf('disclaimer:conclusion')).toBe('conclusion')
  })

  it('maps content/disclaimers/<target>.txt to its target and back', () => {
    expect(defaultFileOf('global')).toBe('content/disclaimers/global.txt')
    expect(targetOfDefaultFile('global.txt')).toBe('global')
    expect(targetOfDefaultFile('conclusion.txt')).toBe('conclusion')
    expect(targetOfDefaultFile('README.md')).toBeUndefined()
  })

  it('finds the pre-ledger history of a key under history/<key>/', () => {
    expect(legacyHistoryPrefix('disclaimer:home')).toBe('history/disclaimer:home/')
  })

  it('hashes a text to the first 16 hex digits of its SHA-256', async () => {
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223...
    expect(await contentHash('abc')).toBe('ba7816bf8f01cfea')
    expect(await contentHash('abd')).not.toBe(await contentHash('abc'))
  })
})
