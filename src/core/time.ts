// Times as editors and the API write them: ISO 8601 with an explicit offset, so no reader has to guess the zone.

/** `2026-11-28T09:30:00Z`, `2026-11-28T10:30+01:00`, with optional seconds and fractions. */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/

export const INSTANT_EXAMPLE = '2026-11-28T09:30:00Z'

/**
 * The instant (ms since the epoch) an ISO 8601 date and time with an offset names, or undefined: a missing offset,
 * a field out of range (month 13, 25:00, 31 February) or any other shape is refused, never guessed at.
 */
export function parseInstant(text: string): number | undefined {
  const match = INSTANT.exec(text)
  if (!match) return undefined
  const parsed = Date.parse(text)
  if (Number.isNaN(parsed)) return undefined
  // Date.parse rolls 31 February over to 3 March and 24:00 over to the next day: the fields must read back the same.
  const [year, month, day, hour, minute, second = '00'] = match.slice(1, 7) as [string, string, string, string, string]
  const fields = `${year}-${month}-${day}T${hour}:${minute}:${second}`
  const utc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second))
  return new Date(utc).toISOString().slice(0, 19) === fields ? parsed : undefined
}

/** A wall-clock date and time as a datetime-local field sends it: `2026-11-28T09:30`, seconds optional. */
const WALL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/

/** One formatter per zone for the isolate's life: building one costs far more than using it. */
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(zone: string): Intl.DateTimeFormat {
  const known = formatters.get(zone)
  // Stryker disable next-line ConditionalExpression: equivalent, the cache only saves building the same formatter again
  if (known) return known
  const made = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })
  // Stryker disable next-line BlockStatement,CallExpression: equivalent, the cache only saves building the same formatter again
  formatters.set(zone, made)
  return made
}

/** The wall-clock fields an instant shows in a zone, as `YYYY-MM-DDTHH:MM:SS`. */
function wallOf(instant: number, zone: string): string {
  const parts = Object.fromEntries(
    formatterFor(zone)
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  )
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`
}

/** The zone's offset from UTC at an instant, in minutes (New York in winter: -300). */
export function offsetMinutes(instant: number, zone: string): number {
  return minutesBetween(wallOf(instant, zone), instant)
}

/** The offset, in minutes, of a wall-clock time (`YYYY-MM-DDTHH:MM:SS`) shown at `instant`. */
function minutesBetween(wall: string, instant: number): number {
  return Math.round((Date.parse(`${wall}Z`) - instant) / 60_000)
}

const HOUR_MS = 3_600_000
/** Zones' offsets by UTC hour, for the pages that show hundreds of times; bounded, emptied when full. */
const hourOffsets = new Map<string, number | null>()
const HOUR_OFFSETS_KEPT = 10_000

/**
 * The zone's offset (ms) through the UTC hour `instant` falls in, where it is the same at the hour's first and last
 * second (no zone changes its offset twice within an hour); else null. A year the formatter writes in other than
 * four digits does not parse back, so such an hour is null too.
 */
function hourOffset(instant: number, zone: string): number | null {
  const start = Math.floor(instant / HOUR_MS) * HOUR_MS
  const key = `${zone} ${start}`
  const known = hourOffsets.get(key)
  if (known !== undefined) return known
  const offsetAt = (at: number) => Date.parse(`${wallOf(at, zone)}Z`) - at
  const first = offsetAt(start)
  const steady = first === offsetAt(start + HOUR_MS - 1_000) ? first : null
  // Stryker disable next-line all: equivalent, emptying the cache only bounds its memory
  if (hourOffsets.size >= HOUR_OFFSETS_KEPT) hourOffsets.clear()
  hourOffsets.set(key, steady)
  return steady
}

/**
 * What wallOf answers, from the offset of the instant's hour where it holds: a formatter's two calls per hour rather
 * than per time (a page of history shows a thousand times).
 */
function wallIn(instant: number, zone: string): string {
  const offset = hourOffset(instant, zone)
  return offset === null ? wallOf(instant, zone) : new Date(instant + offset).toISOString().slice(0, 19)
}

/** `+01:00`, `-05:00`. */
export function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+'
  const whole = Math.abs(minutes)
  return `${sign}${String(Math.floor(whole / 60)).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`
}

/** An instant as the site's zone shows it, with the offset: `2026-11-28 04:30 (UTC-05:00, America/New_York)`. */
export function inZone(instant: number, zone: string): string {
  const wall = wallIn(instant, zone)
  return `${wall.slice(0, 16).replace('T', ' ')} (UTC${offsetText(minutesBetween(wall, instant))}, ${zone})`
}

/** The calendar date an instant falls on in a zone, `YYYY-MM-DD`: the date pages show for a review. */
export function dateInZone(instant: number, zone: string): string {
  return wallIn(instant, zone).slice(0, 10)
}

/** The same instant as ISO 8601 with the zone's offset: `2026-11-28T04:30:00-05:00`. */
export function isoInZone(instant: number, zone: string): string {
  const wall = wallIn(instant, zone)
  return `${wall}${offsetText(minutesBetween(wall, instant))}`
}

export type WallTime = { ok: true; instant: number } | { ok: false; reason: string }

/** Where the clocks jump forward near `asUtc` (a wall time read as UTC): the wall times either side, to the minute. */
function skipped(asUtc: number, offsets: Set<number>, zone: string): { from: string; to: string } {
  // Between the wall time read with the later offset and with the earlier one lies the instant the offset changes.
  let low = asUtc - Math.max(...offsets) * 60_000
  let high = asUtc - Math.min(...offsets) * 60_000
  const before = offsetMinutes(low, zone)
  // Stryker disable next-line EqualityOperator: equivalent, changes fall on whole minutes, and `high` is rounded up to one
  while (high - low > 1_000) {
    const middle = low + Math.floor((high - low) / 2)
    if (offsetMinutes(middle, zone) === before) low = middle
    else high = middle
  }
  const change = Math.ceil(high / 60_000) * 60_000
  const wall = (instant: number) => new Date(instant).toISOString().slice(0, 16).replace('T', ' ')
  return { from: wall(change + before * 60_000), to: wall(change + offsetMinutes(change, zone) * 60_000) }
}

/**
 * The one instant a wall-clock time names in a zone. A time that does not exist there (skipped when clocks go
 * forward) or exists twice (when they go back) is refused with the reason and the instants that are meant, never
 * guessed: an editor says which by giving the offset (the API) or another time.
 */
export function wallTimeIn(wall: string, zone: string): WallTime {
  const match = WALL.exec(wall)
  if (!match) return { ok: false, reason: `"${wall}" is not a date and time such as 2026-11-28T09:30` }
  const asUtc = Date.parse(`${wall}Z`)
  if (Number.isNaN(asUtc) || new Date(asUtc).toISOString().slice(0, 16) !== wall.slice(0, 16)) {
    return { ok: false, reason: `${wall.replace('T', ' ')} is not a real date and time` }
  }
  // The instant is the wall time minus the zone's offset then; the offset can only be one the zone has within a day.
  const offsets = new Set([
    offsetMinutes(asUtc - 86_400_000, zone),
    offsetMinutes(asUtc, zone),
    offsetMinutes(asUtc + 86_400_000, zone),
  ])
  const target = wallOf(asUtc, 'UTC')
  const instants = [...offsets]
    .map((offset) => asUtc - offset * 60_000)
    .filter((instant) => wallOf(instant, zone) === target)
  // Stryker disable next-line CallExpression,MethodExpression,ArrowFunction,ArithmeticOperator: equivalent, offsets are probed in time order and clocks go back to a smaller one, so the instants already ascend
  instants.sort((a, b) => a - b)
  const shown = wall.replace('T', ' ')
  if (instants.length === 1) return { ok: true, instant: instants[0] as number }
  if (instants.length === 0) {
    const { from, to } = skipped(asUtc, offsets, zone)
    return {
      ok: false,
      reason: `${shown} does not exist in ${zone}: the clocks go forward from ${from} to ${to} that day. Choose a time before ${from.slice(11)} or from ${to.slice(11)}`,
    }
  }
  return {
    ok: false,
    reason: `${shown} happens twice in ${zone}, when the clocks go back: at ${isoInZone(instants[0] as number, zone)} and at ${isoInZone(instants[1] as number, zone)}. Choose another time, or give the offset through the API or the CLI`,
  }
}

/** A change may be scheduled at most this far ahead. */
export const MAX_SCHEDULE_AHEAD_MS = 365 * 86_400_000

/**
 * Why an instant cannot be when a change goes live, if it cannot: it has passed, or it is more than a year away.
 * Times are written by `show` (ISO 8601 in UTC unless given, e.g. the site's zone for the console).
 */
export function scheduleProblem(
  instant: number,
  now: number,
  show: (instant: number) => string = (ms) => new Date(ms).toISOString(),
): string | undefined {
  if (instant <= now) return `${show(instant)} has already passed; choose a time ahead`
  if (instant > now + MAX_SCHEDULE_AHEAD_MS) {
    return `${show(instant)} is more than a year ahead; choose a time before ${show(now + MAX_SCHEDULE_AHEAD_MS)}`
  }
  return undefined
}

/** True when the runtime knows `zone` as an IANA time zone (America/New_York, Europe/London, UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    formatterFor(zone)
    return true
  } catch {
    return false
  }
}

const reportedZones = new Set<string>()

/** The site's zone from SITE_TIME_ZONE, or UTC (logged once) when it is missing or not a zone the runtime knows. */
export function siteZone(configured: string | undefined): string {
  if (configured && isTimeZone(configured)) return configured
  if (!reportedZones.has(String(configured))) {
    reportedZones.add(String(configured))
    console.error(`SITE_TIME_ZONE is ${JSON.stringify(configured ?? '')}, not a time zone; times are shown in UTC`)
  }
  return 'UTC'
}
