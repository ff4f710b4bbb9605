import { describe, expect, it } from 'vitest'
import {
  contentHash,
  defaultFileOf,
  disclaimerTag,
  GLOBAL_KEY,
  keyOf,
  legacyHistoryPrefix,
  pageKey,
  sha256Hex,
  shortHash,
  targetOf,
  targetOfDefaultFile,
} from '../../src/core/keys.ts'

describe('disclaimer keys', () => {
  it('names the global disclaimer "disclaimer" and a page note "disclaimer:<slug>", both ways', () => {
    expect(GLOBAL_KEY).toBe('disclaimer')
    expect(keyOf('global')).toBe('disclaimer')
    expect(pageKey('dosage-and-safety')).toBe('disclaimer:dosage-and-safety')
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

  it('tags the pages that show a target\'s disclaimer "disclaimer:<target>"', () => {
    expect(disclaimerTag('global')).toBe('disclaimer:global')
    expect(disclaimerTag('conclusion')).toBe('disclaimer:conclusion')
  })

  it('hashes a text to the 64 hex digits of its SHA-256, and shortens it to the first 16', async () => {
    // FIPS 180-2's example: SHA-256("abc").
    const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    expect(await sha256Hex('abc')).toBe(abc)
    expect(shortHash(abc)).toBe('ba7816bf8f01cfea')
    // SHA-256 of the UTF-8 bytes of "é" (c3 a9), from `printf '\xc3\xa9' | sha256sum`.
    expect(await sha256Hex('é')).toBe('4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c')
  })

  it('hashes a text to the first 16 hex digits of its SHA-256', async () => {
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223...
    expect(await contentHash('abc')).toBe('ba7816bf8f01cfea')
    expect(await contentHash('abd')).not.toBe(await contentHash('abc'))
  })
})
