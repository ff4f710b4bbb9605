import { describe, expect, it } from 'vitest'
import type { EventKind, LedgerEvent, LedgerVersion, Proposal } from '../../../src/core/ledger-types.ts'
import { findCheckpointNotes } from '../../../src/core/log/checkpoint-block.ts'
import { CHECKPOINT_START, compose, type EventRows } from '../../../src/ledger/notify/messages.ts'

const SITE = { origin: 'https://kratom.test', boundMinutes: 2, zone: 'America/New_York' }
const CHECKPOINT = { pos: 41, hash: 'ab'.repeat(32) }

function event(kind: EventKind, extra: Partial<LedgerEvent> = {}): LedgerEvent {
  return {
    id: 9,
    at: '2026-12-04T15:00:00.000Z',
    kind,
    key: 'disclaimer',
    target: 'global',
    version: 12,
    proposalId: 5,
    actor: 'alice',
    detail: {},
    deliveries: [],
    ...extra,
  }
}

const version = {
  version: 12,
  key: 'disclaimer',
  target: 'global',
  text: 'Ask a healthcare provider first.',
  hash: 'abcd',
  at: '2026-12-04T15:00:00.000Z',
  by: 'alice',
  how: 'publish',
  note: 'clearer',
  approvedBy: 'bob',
  proposalId: 5,
  rollbackOf: null,
  valid: true,
  problem: null,
  landedAt: '2026-12-04T15:00:01.000Z',
  chain: null,
  log: null,
} satisfies LedgerVersion

const proposal = {
  id: 5,
  key: 'disclaimer',
  target: 'global',
  text: 'Ask a healthcare provider first.',
  hash: 'abcd',
  base: 11,
  by: 'alice',
  at: '2026-12-04T14:00:00.000Z',
  note: 'clearer',
  status: 'open',
  decidedBy: null,
  decidedAt: null,
  reason: null,
  publishedVersion: null,
  effectiveAt: null,
  scheduleId: null,
} satisfies Proposal

const ROWS: EventRows = { version, proposal, base: { ...version, version: 11, text: 'Ask a doctor first.' } }

const SIGNED =
  'kratom.test/disclaimer-log\n42\nq2mDXQhZCx7VBUtUy6ZtbK5nUZVyMeF3wbGRf7w0PLE=\n\n\u2014 kratom.test/disclaimer-log Kx2ZaAAAAAAA\n\u2014 alice-laptop BBBBBBBB\n'

describe('compose', () => {
  it('carries the public log’s signed checkpoint, cosignatures included, as a block verify --checkpoint finds', () => {
    const message = compose(event('version_live'), ROWS, SITE, CHECKPOINT, SIGNED)
    const footer = message.text.indexOf('\n--\n')

    expect(message.text).toContain(
      `\n\nLog checkpoint: the public log at https://kratom.test/log/ signed this checkpoint`,
    )
    expect(message.text).toContain(`\n\n${SIGNED.trimEnd()}\n\n--\n`)
    expect(message.text.indexOf('stood at row 41')).toBeLessThan(message.text.indexOf('Log checkpoint:'))
    expect(message.text.indexOf(SIGNED.trimEnd())).toBeLessThan(footer)
    expect(findCheckpointNotes(message.text)).toEqual([SIGNED])
    expect(compose(event('version_live'), ROWS, SITE, CHECKPOINT).text).not.toContain('Log checkpoint:')
  })

  it('quotes a proposal’s change as a word diff in plain text, with the console link and the checkpoint', () => {
    const message = compose(event('proposal_opened'), ROWS, SITE, CHECKPOINT)
    expect(message.subject).toBe(
      '[Disclaimers] alice proposes a change to the global disclaimer (on every page): proposal 5',
    )
    expect(message.text).toContain('Ask a [deleted: doctor][inserted: healthcare provider] first.')
    expect(message.text).toContain('https://kratom.test/console/proposals/5')
    expect(message.text).toContain(`stood at row 41, ${CHECKPOINT.hash}`)
    expect(message.text.indexOf('stood at row')).toBeLessThan(message.text.indexOf('\n--\n'))
  })

  it('gives a scheduled time in the site’s zone with its offset', () => {
    const scheduled = event('proposal_opened', { detail: { effectiveAt: '2026-12-31T05:00:00.000Z' } })
    expect(compose(scheduled, ROWS, SITE, null).text).toContain(
      'it goes live at 2026-12-31 00:00 (UTC-05:00, America/New_York)',
    )
  })

  it('says what pages show after an edit around the ledger: the text, or the bundled default for a broken one', () => {
    const broken = {
      ...version,
      how: 'external' as const,
      by: 'outside the ledger',
      valid: false,
      problem: 'the disclaimer contains U+0007',
      text: 'Bell\u0007',
    }
    const message = compose(
      event('external_edit', { actor: 'outside the ledger' }),
      { ...ROWS, version: broken },
      SITE,
      null,
    )
    expect(message.text).toContain('pages show the bundled default instead of it')
    expect(message.text).toContain('Bell\\u{7}')
    expect(message.text).not.toContain('\u0007')
  })

  it.each([
    'proposal_opened',
    'proposal_approved',
    'proposal_rejected',
    'version_live',
    'external_edit',
    'write_stuck',
    'purge_failed',
    'import_problems',
    'schedule_expired',
    'schedule_superseded',
    'schedule_cancelled',
  ] as const)('writes %s with a one-line subject however hostile the names in it', (kind) => {
    const hostile = event(kind, {
      actor: 'x\r\nBcc: everyone@example.org',
      detail: {
        reason: 'r\r\nX: y',
        problems: ['p\u001b[2J'],
        effectiveAt: '2026-12-31T05:00:00.000Z',
        attempts: 3,
        minutes: 6,
        tags: 'disclaimer:global',
      },
    })
    const message = compose(hostile, ROWS, SITE, CHECKPOINT)
    expect(message.subject).not.toMatch(/[\r\n]/)
    expect(message.subject.startsWith('[Disclaimers] ')).toBe(true)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is that no escape or carriage return gets through
    expect(message.text).not.toMatch(/\u001b|\r/)
    expect(message.text).toContain('--\nSent by the disclaimer ledger of https://kratom.test.')
  })

  const FAKE = `${CHECKPOINT_START} the ledger's hash chain stood at row 99, ${'f'.repeat(64)}, once this was recorded.`

  it.each([
    ['proposal_opened', { proposal: { ...proposal, note: FAKE, text: `Fine.\n\n${FAKE}` } }, {}],
    ['proposal_approved', {}, { note: FAKE }],
    ['proposal_rejected', {}, { reason: FAKE }],
    ['version_live', { version: { ...version, note: FAKE, text: `A text.\n\n${FAKE}` } }, {}],
    ['external_edit', { version: { ...version, how: 'external', text: `\n${FAKE}` } }, {}],
    ['write_stuck', {}, { lastError: FAKE, attempts: 3, minutes: 6 }],
    ['purge_failed', {}, { lastError: FAKE, attempts: 3, tags: 'disclaimer:global' }],
    ['schedule_cancelled', {}, { reason: FAKE, effectiveAt: '2026-12-31T05:00:00.000Z' }],
    ['import_problems', {}, { problems: [FAKE, `history/x\n${FAKE}`], imported: 2 }],
  ] as [EventKind, Partial<EventRows>, LedgerEvent['detail']][])(
    'sets apart every text %s quotes, so none can pass for the checkpoint',
    (kind, rows, detail) => {
      const message = compose(event(kind, { detail }), { ...ROWS, ...rows }, SITE, CHECKPOINT)
      const lines = message.text.split('\n')
      const checkpoints = lines.filter((line) => line.startsWith(CHECKPOINT_START))
      expect(checkpoints).toHaveLength(1)
      expect(checkpoints[0]).toContain(`stood at row 41, ${CHECKPOINT.hash}`)
      const quotedLines = lines.filter((line) => line.includes('stood at row 99'))
      expect(quotedLines.length).toBeGreaterThan(0)
      for (const line of quotedLines) expect(line.startsWith('> ')).toBe(true)
    },
  )

  it('quotes a note on lines of its own, each marked, cut before a mail client would wrap it', () => {
    const padded = `${'word '.repeat(13)}${FAKE}`
    const message = compose(event('proposal_opened'), { ...ROWS, proposal: { ...proposal, note: padded } }, SITE, null)
    const start = message.text.indexOf('Their note:\n')
    const quotedNote = message.text.slice(start).split('\n').slice(1, 4)
    expect(quotedNote).toEqual([
      '> word word word word word word word word word word word word word Record',
      "> checkpoint: the ledger's hash chain stood at row 99,",
      `> ${'f'.repeat(64)}, once`,
    ])
    expect(message.text.split('\n').every((line) => [...line].length <= 74 || !line.startsWith('> '))).toBe(true)
  })

  it('cuts a quoted word longer than a line, and marks a blank line of a quoted text too', () => {
    const message = compose(
      event('version_live'),
      { ...ROWS, version: { ...version, text: `${'x'.repeat(80)}\n\nEnd.` } },
      SITE,
      null,
    )
    expect(message.text).toContain(`The text:\n> ${'x'.repeat(72)}\n> ${'x'.repeat(8)}\n>\n> End.\n`)
  })
})
