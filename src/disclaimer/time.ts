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
  const [year, month, day, hour, minute] = match.slice(1, 6).map(Number) as [number, number, number, number, number]
  const second = Number(match[6] ?? 0)
  const parsed = Date.parse(text)
  if (Number.isNaN(parsed)) return undefined
  // Date.parse rolls 31 February over to 3 March; the fields must name a real day and time.
  const fields = new Date(Date.UTC(year, month - 1, day, hour, minute, second))
  const real =
    fields.getUTCFullYear() === year &&
    fields.getUTCMonth() === month - 1 &&
    fields.getUTCDate() === day &&
    fields.getUTCHours() === hour &&
    fields.getUTCMinutes() === minute &&
    fields.getUTCSeconds() === second
  return real ? parsed : undefined
}
