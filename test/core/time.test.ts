import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import {
  dateInZone,
  INSTANT_EXAMPLE,
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
const BERLIN = 'Europe/Berlin'
const SYDNEY = 'Australia/Sydney'
const CHATHAM = 'Pacific/Chatham'

describe('parseInstant', () => {
  it.each([
    ['2026-11-28T09:30:00Z', '2026-11-28T09:30:00.000Z'],
    ['2026-11-28T09:30Z', '2026-11-28T09:30:00.000Z'],
    ['2026-11-28T10:30:00+01:00', '2026-11-28T09:30:00.000Z'],
    ['2026-11-28T04:30:00.5-05:00', '2026-11-28T09:30:00.500Z'],
    ['2026-11-28T15:15:30+05:45', '2026-11-28T09:30:30.000Z'],
    ['2026-11-28T09:30:00.123Z', '2026-11-28T09:30:00.123Z'],
    ['2026-12-31T09:30Z', '2026-12-31T09:30:00.000Z'],
    ['2028-02-29T09:30Z', '2028-02-29T09:30:00.000Z'],
    ['2026-11-28T23:59:59Z', '2026-11-28T23:59:59.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(new Date(parseInstant(text) as number).toISOString()).toBe(iso)
  })

  it.each([
    '2026-11-28T09:30:00',
    '2026-11-28',
    '1',
    'yesterday',
    '2026-02-31T09:30Z',
    '2026-02-29T09:30Z',
    '2026-04-31T09:30Z',
    '2026-11-28T24:00Z',
    '2026-12-31T24:00Z',
    '2026-11-28T09:30+25:00',
    'on 2026-11-28T09:30Z',
    '+002026-11-28T09:30Z',
    '2026-11-28T09:30:00.1234567890Z',
    '2026-11-28T09:60Z',
    '2026-11-28T09:30:60Z',
    '',
  ])('refuses %j rather than guess', (text) => {
    expect(parseInstant(text)).toBeUndefined()
  })

  it('reads the example it shows editors', () => {
    expect(INSTANT_EXAMPLE).toBe('2026-11-28T09:30:00Z')
    expect(parseInstant(INSTANT_EXAMPLE)).toBe(Date.UTC(2026, 10, 28, 9, 30))
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

  it('reads seconds when they are given', () => {
    expect(wallTimeIn('2026-11-28T09:30:15', NEW_YORK)).toEqual({
      ok: true,
      instant: Date.parse('2026-11-28T14:30:15Z'),
    })
  })

  it('refuses a date that does not exist and a shape that is not a date and time', () => {
    expect(wallTimeIn('2026-02-30T10:00', NEW_YORK)).toEqual({
      ok: false,
      reason: '2026-02-30 10:00 is not a real date and time',
    })
    expect(wallTimeIn('2026-13-01T10:00', NEW_YORK)).toEqual({
      ok: false,
      reason: '2026-13-01 10:00 is not a real date and time',
    })
    expect(wallTimeIn('tomorrow', NEW_YORK)).toEqual({
      ok: false,
      reason: '"tomorrow" is not a date and time such as 2026-11-28T09:30',
    })
    expect(wallTimeIn('on 2026-11-28T09:30', NEW_YORK)).toEqual({
      ok: false,
      reason: '"on 2026-11-28T09:30" is not a date and time such as 2026-11-28T09:30',
    })
    expect(wallTimeIn('2026-11-28T09:30 sharp', NEW_YORK)).toEqual({
      ok: false,
      reason: '"2026-11-28T09:30 sharp" is not a date and time such as 2026-11-28T09:30',
    })
  })
})

// Expected instants from the IANA rules as `zdump -v -c 2026,2027 <zone>` prints them, not from the code under test.
describe('wallTimeIn east of Greenwich and south of the equator', () => {
  it('reads the hour before the clocks go forward in Berlin, refuses the hour they skip, and reads the one after', () => {
    expect(wallTimeIn('2026-03-29T01:30', BERLIN)).toEqual({ ok: true, instant: Date.parse('2026-03-29T00:30:00Z') })
    expect(wallTimeIn('2026-03-29T02:30', BERLIN)).toEqual({
      ok: false,
      reason:
        '2026-03-29 02:30 does not exist in Europe/Berlin: the clocks go forward from 2026-03-29 02:00 to 2026-03-29 03:00 that day. Choose a time before 02:00 or from 03:00',
    })
    expect(wallTimeIn('2026-03-29T03:30', BERLIN)).toEqual({ ok: true, instant: Date.parse('2026-03-29T01:30:00Z') })
  })

  it('refuses the hour Berlin lives twice in October, naming both instants', () => {
    expect(wallTimeIn('2026-10-25T02:30', BERLIN)).toEqual({
      ok: false,
      reason:
        '2026-10-25 02:30 happens twice in Europe/Berlin, when the clocks go back: at 2026-10-25T02:30:00+02:00 and at 2026-10-25T02:30:00+01:00. Choose another time, or give the offset through the API or the CLI',
    })
  })

  it('refuses the hour Sydney lives twice in April and the one it skips in October', () => {
    expect(wallTimeIn('2026-04-05T02:30', SYDNEY)).toEqual({
      ok: false,
      reason:
        '2026-04-05 02:30 happens twice in Australia/Sydney, when the clocks go back: at 2026-04-05T02:30:00+11:00 and at 2026-04-05T02:30:00+10:00. Choose another time, or give the offset through the API or the CLI',
    })
    expect(wallTimeIn('2026-04-05T03:30', SYDNEY)).toEqual({ ok: true, instant: Date.parse('2026-04-04T17:30:00Z') })
    expect(wallTimeIn('2026-10-04T02:30', SYDNEY)).toEqual({
      ok: false,
      reason:
        '2026-10-04 02:30 does not exist in Australia/Sydney: the clocks go forward from 2026-10-04 02:00 to 2026-10-04 03:00 that day. Choose a time before 02:00 or from 03:00',
    })
  })

  it('reads half- and quarter-hour offsets, and the Chatham Islands changing at a quarter to the hour', () => {
    expect(wallTimeIn('2026-11-28T09:30', 'Asia/Kolkata')).toEqual({
      ok: true,
      instant: Date.parse('2026-11-28T04:00:00Z'),
    })
    expect(wallTimeIn('2026-11-28T09:30', 'Asia/Kathmandu')).toEqual({
      ok: true,
      instant: Date.parse('2026-11-28T03:45:00Z'),
    })
    expect(wallTimeIn('2026-04-05T03:00', CHATHAM)).toEqual({
      ok: false,
      reason:
        '2026-04-05 03:00 happens twice in Pacific/Chatham, when the clocks go back: at 2026-04-05T03:00:00+13:45 and at 2026-04-05T03:00:00+12:45. Choose another time, or give the offset through the API or the CLI',
    })
    expect(wallTimeIn('2026-09-27T03:00', CHATHAM)).toEqual({
      ok: false,
      reason:
        '2026-09-27 03:00 does not exist in Pacific/Chatham: the clocks go forward from 2026-09-27 02:45 to 2026-09-27 03:45 that day. Choose a time before 02:45 or from 03:45',
    })
  })
})

describe('times shown in the site’s zone', () => {
  it('gives the wall time with its offset and the zone, on either side of a change', () => {
    expect(inZone(Date.parse('2026-11-28T14:30:00Z'), NEW_YORK)).toBe('2026-11-28 09:30 (UTC-05:00, America/New_York)')
    expect(inZone(Date.parse('2026-07-01T13:30:00Z'), NEW_YORK)).toBe('2026-07-01 09:30 (UTC-04:00, America/New_York)')
    expect(isoInZone(Date.parse('2026-11-01T05:30:00Z'), NEW_YORK)).toBe('2026-11-01T01:30:00-04:00')
    expect(isoInZone(Date.parse('2026-11-01T06:30:00Z'), NEW_YORK)).toBe('2026-11-01T01:30:00-05:00')
  })

  it('gives a positive offset east of Greenwich, zero in UTC, and the minutes of a part-hour offset', () => {
    expect(inZone(Date.parse('2026-01-15T12:00:00Z'), BERLIN)).toBe('2026-01-15 13:00 (UTC+01:00, Europe/Berlin)')
    expect(inZone(Date.parse('2026-07-01T12:00:00Z'), BERLIN)).toBe('2026-07-01 14:00 (UTC+02:00, Europe/Berlin)')
    expect(inZone(Date.parse('2026-11-28T12:00:00Z'), 'UTC')).toBe('2026-11-28 12:00 (UTC+00:00, UTC)')
    expect(inZone(Date.parse('2026-11-28T04:00:00Z'), 'Asia/Kolkata')).toBe(
      '2026-11-28 09:30 (UTC+05:30, Asia/Kolkata)',
    )
    expect(inZone(Date.parse('2026-11-28T03:45:00Z'), 'Asia/Kathmandu')).toBe(
      '2026-11-28 09:30 (UTC+05:45, Asia/Kathmandu)',
    )
    expect(inZone(Date.parse('2026-01-15T00:00:00Z'), CHATHAM)).toBe('2026-01-15 13:45 (UTC+13:45, Pacific/Chatham)')
    expect(inZone(Date.parse('2026-07-01T00:00:00Z'), CHATHAM)).toBe('2026-07-01 12:45 (UTC+12:45, Pacific/Chatham)')
    expect(inZone(Date.parse('2026-01-15T12:00:00Z'), 'America/St_Johns')).toBe(
      '2026-01-15 08:30 (UTC-03:30, America/St_Johns)',
    )
    expect(isoInZone(Date.parse('2026-04-04T15:30:00Z'), SYDNEY)).toBe('2026-04-05T02:30:00+11:00')
  })

  it('shows every instant as the zone’s own clock reads it, within an hour its offset changes in, before 1970 too', () => {
    // The zone's clock read straight from Intl for each instant: what the times shown must be.
    const clock = (instant: number, zone: string) => {
      const parts = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      }).formatToParts(instant)
      const field = (type: string) => parts.find((part) => part.type === type)?.value
      const wall = `${field('year')}-${field('month')}-${field('day')}T${field('hour')}:${field('minute')}:${field('second')}`
      const minutes = Math.round((Date.parse(`${wall}Z`) - instant) / 60_000)
      const offset = `${minutes < 0 ? '-' : '+'}${String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0')}:${String(Math.abs(minutes) % 60).padStart(2, '0')}`
      return {
        shown: `${wall.slice(0, 16).replace('T', ' ')} (UTC${offset}, ${zone})`,
        iso: `${wall}${offset}`,
        date: wall.slice(0, 10),
      }
    }
    const zones = [NEW_YORK, SYDNEY, CHATHAM, 'Australia/Lord_Howe', 'Australia/Adelaide', 'America/St_Johns', 'UTC']
    const check = (instant: number, zone: string) => {
      const expected = clock(instant, zone)
      expect([inZone(instant, zone), isoInZone(instant, zone), dateInZone(instant, zone)]).toEqual([
        expected.shown,
        expected.iso,
        expected.date,
      ])
    }
    // Each minute around changes that fall inside a UTC hour (Adelaide's at 16:30Z, Lord Howe's half-hour shift at
    // 15:00Z and 15:30Z), and New York's on the hour; an instant before 1970, when New York kept local mean time.
    const around = [
      ['Australia/Adelaide', '2026-04-04T16:30:00Z'],
      ['Australia/Adelaide', '2026-10-03T16:30:00Z'],
      ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'],
      ['Australia/Lord_Howe', '2026-10-03T15:30:00Z'],
      [NEW_YORK, '2026-03-08T07:00:00Z'],
      [NEW_YORK, '2026-11-01T06:00:00Z'],
    ] as const
    for (const [zone, change] of around) {
      for (let minute = -90; minute <= 90; minute++) check(Date.parse(change) + minute * 60_000 + 17_250, zone)
    }
    check(Date.parse('1880-06-01T12:00:00Z'), NEW_YORK)
    check(Date.parse('9999-12-31T23:30:00Z'), SYDNEY)
    // Years the formatter writes in other than four digits, which an ISO string cannot show as it does.
    for (const year of ['0500-06-01T12:00:00Z', '+010000-06-01T12:00:00Z']) check(Date.parse(year), 'UTC')
    fc.assert(
      fc.property(fc.integer({ min: -3e12, max: 4.2e12 }), fc.constantFrom(...zones), (instant, zone) => {
        check(instant, zone)
        check(instant + 1_000, zone)
      }),
      { numRuns: 2_000 },
    )
  })

  it('gives the calendar date an instant falls on in the zone, which may differ from UTC’s', () => {
    expect(dateInZone(Date.parse('2026-12-08T03:30:00Z'), NEW_YORK)).toBe('2026-12-07')
    expect(dateInZone(Date.parse('2026-12-07T14:00:00Z'), SYDNEY)).toBe('2026-12-08')
    expect(dateInZone(Date.parse('2026-12-07T23:59:59Z'), 'UTC')).toBe('2026-12-07')
  })
})

describe('scheduleProblem', () => {
  const now = Date.parse('2026-12-04T12:00:00Z')
  it('allows a time ahead within a year and refuses the past and beyond a year', () => {
    expect(scheduleProblem(now + 60_000, now)).toBeUndefined()
    expect(scheduleProblem(now + MAX_SCHEDULE_AHEAD_MS, now)).toBeUndefined()
    expect(MAX_SCHEDULE_AHEAD_MS).toBe(31_536_000_000)
    expect(scheduleProblem(now, now)).toBe('2026-12-04T12:00:00.000Z has already passed; choose a time ahead')
    expect(scheduleProblem(now + MAX_SCHEDULE_AHEAD_MS + 1, now)).toBe(
      '2027-12-04T12:00:00.001Z is more than a year ahead; choose a time before 2027-12-04T12:00:00.000Z',
    )
  })
})

describe('siteZone', () => {
  it('is the configured zone when the runtime knows it, else UTC with the reason logged once', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(isTimeZone('America/New_York')).toBe(true)
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false)
    expect(isTimeZone('')).toBe(false)
    expect(siteZone('Europe/London')).toBe('Europe/London')
    expect(siteZone('Mars/Olympus_Mons')).toBe('UTC')
    expect(siteZone('Mars/Olympus_Mons')).toBe('UTC')
    expect(siteZone(undefined)).toBe('UTC')
    expect(errors.mock.calls.map(([line]) => String(line))).toEqual([
      'SITE_TIME_ZONE is "Mars/Olympus_Mons", not a time zone; times are shown in UTC',
      'SITE_TIME_ZONE is "", not a time zone; times are shown in UTC',
    ])
  })
})
