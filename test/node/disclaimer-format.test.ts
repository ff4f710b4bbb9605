// What the CLI prints for ledger records: a stored string can never act on the terminal.
import { describe, expect, it } from 'vitest'
import { proposalLine, versionBlock, versionLine } from '../../scripts/lib/disclaimer-format.ts'
import type { LedgerVersion, Proposal } from '../../src/core/ledger-types.ts'

const HOSTILE = 'x\u001b[2J\u001b]0;pwned\u0007\u0000\u202Egnp.exe\u200B'

const version: LedgerVersion = {
  version: 7,
  key: 'disclaimer',
  target: 'global',
  text: `Text edited around the ledger.\n${HOSTILE}`,
  hash: '0123456789abcdef',
  at: '2026-11-28T09:30:00.000Z',
  by: `legacy:${HOSTILE}`,
  how: 'external',
  note: HOSTILE,
  approvedBy: null,
  proposalId: null,
  rollbackOf: null,
  valid: false,
  problem: `the disclaimer contains ${HOSTILE}`,
  landedAt: null,
  chain: null,
  log: null,
}

describe('disclaimer-format', () => {
  it('prints every control, bidi and invisible character escaped, in every field', () => {
    for (const printed of [versionLine(version), versionBlock(version)]) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is that no control character is printed
      expect(printed).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b\u202e]/)
      expect(printed).toContain('x\\u{1b}[2J\\u{1b}]0;pwned\\u{7}\\u{0}\\u{202e}gnp.exe\\u{200b}')
    }
    const proposal = { id: 3, target: 'global', base: 7, by: HOSTILE, at: version.at, note: HOSTILE, status: 'open' }
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is that no control character is printed
    expect(proposalLine(proposal as Proposal)).not.toMatch(/[\u0000-\u001f\u202e]/)
  })

  it('says who, when, how, and whether KV holds it, on one line', () => {
    const published = {
      ...version,
      how: 'publish' as const,
      by: 'alice',
      note: 'legal review',
      valid: true,
      problem: null,
    }
    expect(versionLine(published)).toBe(
      'v7      2026-11-28T09:30:00.000Z  publish   by alice  (not yet in KV)  "legal review"',
    )
    expect(versionLine({ ...published, landedAt: version.at, approvedBy: 'bob' })).toBe(
      'v7      2026-11-28T09:30:00.000Z  publish   by alice  approved by bob  "legal review"',
    )
  })
})
