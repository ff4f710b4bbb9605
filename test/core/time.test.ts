import { describe, expect, it, vi } from 'vitest'
import {
  inZone,
  isoInZone,
  isTimeZone,
  MAX_SCHEDULE_AHEAD_MS,
  parseInstant,
  scheduleProblem,
  siteZone,
  wallTimeIn,
} from '../../src/core/time.ts'

const NEW_YORK = 'America/New_York'

describe('parseInstant', () => {
  it.each([
    ['2026-11-28T09:30:00Z', '2026-11-28T09:30:00.000Z'],
    ['2026-11-28T09:30Z', '2026-11-28T09:30:00.000Z'],
    ['2026-11-28T10:30:00+01:00', '2026-11-28T09:30:00.000Z'],
    ['2026-11-28T04:30:00.5-05:00', '2026-11-28T09:30:00.500Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(new Date(parseInstant(text) as number).toISOString()).toBe(iso)
  })

  it.each([
    '2026-11-28T09:30:00',
    '2026-11-28',
    '1',
    'yesterday',
    '2026-02-31T09:30Z',
    '2026-11-28T24:00Z',
    '2026-11-28T09:60Z',
    '2026-11-28T09:30:60Z',
    '',
  ])('refuses %j rather than guess', (text) => {
    expect(parseInstant(text)).toBeUndefined()
  })
})

describe('wallTimeIn', () => {
  it('reads a wall time in the zone it is given in', () => {
    expect(wallTimeIn('2026-11-28T09:30', NEW_YORK)).toEqual({ ok: true, instant: Date.parse('2026-11-28T14:30:00Z') })
    expect(wallTimeIn('2026-07-01T09:30', NEW_YORK)).toEqual({ ok: true, instant: Date.parse('2026-07-01T13:30:00Z') })
  })

  it('refuses a time the clocks skip when they go forward, saying which times exist', () => {
    const read = wallTimeIn('2026-03-08T02:30', NEW_YORK)
    expect(read.ok).toBe(false)
    expect(!read.ok && read.reason).toBe(
      '2026-03-08 02:30 does not exist in America/New_York: the clocks go forward from 2026-03-08 02:00 to 2026-03-08 03:00 that day. Choose a time before 02:00 or from 03:00',
    )
  })

  it('refuses a time that happens twice when the clocks go back, naming both instants', () => {
    const read = wallTimeIn('2026-11-01T01:30', NEW_YORK)
    expect(!read.ok && read.reason).toBe(
      '2026-11-01 01:30 happens twice in America/New_York, when the clocks go back: at 2026-11-01T01:30:00-04:00 and at 2026-11-01T01:30:00-05:00. Choose another time, or give the offset through the API or the CLI',
    )
  })

  it('handles a zone whose clocks move by half an hour', () => {
    expect(wallTimeIn('2026-10-04T02:15', 'Australia/Lord_Howe').ok).toBe(false)
    expect(wallTimeIn('2026-10-04T02:30', 'Australia/Lord_Howe')).toEqual({
      ok: true,
      instant: Date.parse('2026-10-03T15:30:00Z'),
    })
  })

  it('refuses a date that does not exist and a shape that is not a date and time', () => {
    expect(wallTimeIn('2026-02-30T10:00', NEW_YORK)).toEqual({
      ok: false,
      reason: '2026-02-30 10:00 is not a real date and time',
    })
    expect(wallTimeIn('tomorrow', NEW_YORK).ok).toBe(false)
  })
})

describe('times shown in the site’s zone', () => {
  it('gives the wall time with its offset and the zone, on either side of a change', () => {
    expect(inZone(Date.parse('2026-11-28T14:30:00Z'), NEW_YORK)).toBe('2026-11-28 09:30 (UTC-05:00, America/New_York)')
    expect(inZone(Date.parse('2026-07-01T13:30:00Z'), NEW_YORK)).toBe('2026-07-01 09:30 (UTC-04:00, America/New_York)')
    expect(isoInZone(Date.parse('2026-11-01T05:30:00Z'), NEW_YORK)).toBe('2026-11-01T01:30:00-04:00')
    expect(isoInZone(Date.parse('2026-11-01T06:30:00Z'), NEW_YORK)).toBe('2026-11-01T01:30:00-05:00')
  })
})

describe('scheduleProblem', () => {
  const now = Date.parse('2026-12-04T12:00:00Z')
  it('allows a time ahead within a year and refuses the past and beyond a year', () => {
    expect(scheduleProblem(now + 60_000, now)).toBeUndefined()
    expect(scheduleProblem(now + MAX_SCHEDULE_AHEAD_MS, now)).toBeUndefined()
    expect(scheduleProblem(now, now)).toContain('has already passed')
    expect(scheduleProblem(now + MAX_SCHEDULE_AHEAD_MS + 1, now)).toContain('more than a year ahead')
  })
})

describe('siteZone', () => {
  it('is the configured zone when the runtime knows it, else UTC with the reason logged', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(isTimeZone('America/New_York')).toBe(true)
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false)
    expect(siteZone('Europe/London')).toBe('Europe/London')
    expect(siteZone('Mars/Olympus_Mons')).toBe('UTC')
    expect(siteZone(undefined)).toBe('UTC')
    expect(errors.mock.calls.map(([line]) => String(line))).toEqual([
      'SITE_TIME_ZONE is "Mars/Olympus_Mons", not a time zone; times are shown in UTC',
      'SITE_TIME_ZONE is "", not a time zone; times are shown in UTC',
    ])
  })
})
