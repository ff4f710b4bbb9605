// Scheduled changes: recorded when made, gone live (or superseded, expired, cancelled) at their time by the object's
// alarm, each outcome appended once. Synchronous, like the commit.
import type { LedgerError, Page, Schedule, ScheduleOutcome } from '../core/ledger-types.ts'
import { inZone } from '../core/time.ts'
import { fail } from './context.ts'
import { pageBelow } from './queries.ts'
import { type ChangeRow, toChange } from './rows.ts'

type ScheduleRow = ChangeRow & {
  effective_at: string
  proposal_id: number | null
  approved_by: string | null
  outcome: ScheduleOutcome | null
  ended_at: string | null
  ended_by: string | null
  reason: string | null
  version_seq: number | null
}

const SCHEDULE_SELECT = `SELECT s.*, d.by AS approved_by, o.outcome, o.at AS ended_at, o.by AS ended_by, o.reason,
  o.version_seq FROM schedules s
  LEFT JOIN decisions d ON d.proposal_id = s.proposal_id AND d.decision = 'approved'
  LEFT JOIN schedule_outcomes o ON o.schedule_id = s.id`

function toSchedule(row: ScheduleRow): Schedule {
  return {
    ...toChange(row),
    effectiveAt: row.effective_at,
    proposalId: row.proposal_id,
    approvedBy: row.approved_by,
    status: row.outcome ?? 'pending',
    endedAt: row.ended_at,
    endedBy: row.ended_by,
    reason: row.reason,
    version: row.version_seq,
  }
}

export function schedule(sql: SqlStorage, id: number): Schedule | null {
  const row = sql.exec<ScheduleRow>(`${SCHEDULE_SELECT} WHERE s.id = ?`, id).toArray()[0]
  return row ? toSchedule(row) : null
}

export function scheduleOfProposal(sql: SqlStorage, proposalId: number): Schedule | null {
  const row = sql.exec<ScheduleRow>(`${SCHEDULE_SELECT} WHERE s.proposal_id = ?`, proposalId).toArray()[0]
  return row ? toSchedule(row) : null
}

/**
 * Schedules still to come, soonest first; of one key when given. Read from the list of pending schedules the schema's
 * triggers keep, so it reads what is open, never every schedule ever made.
 */
export function pendingSchedules(sql: SqlStorage, key?: string): Schedule[] {
  const pending =
    key === undefined
      ? 'SELECT schedule_id FROM pending_schedules'
      : 'SELECT schedule_id FROM pending_schedules WHERE key = ?1'
  return sql
    .exec<ScheduleRow>(
      `${SCHEDULE_SELECT} WHERE s.id IN (${pending}) ORDER BY s.effective_at, s.id`,
      ...(key === undefined ? [] : [key]),
    )
    .toArray()
    .map(toSchedule)
}

/** Every schedule, newest first, a page at a time. */
export function schedules(sql: SqlStorage, paging: Page = {}) {
  const { page, next } = pageBelow<ScheduleRow>(sql, SCHEDULE_SELECT, 's.id', paging, (row) => row.id)
  return { schedules: page.map(toSchedule), next }
}

/** The ids of pending schedules whose time has come, soonest first, at most `limit`. */
export function dueSchedules(sql: SqlStorage, now: number, limit: number): number[] {
  return sql
    .exec<{ schedule_id: number }>(
      'SELECT schedule_id FROM pending_schedules WHERE effective_at <= ? ORDER BY effective_at, schedule_id LIMIT ?',
      new Date(now).toISOString(),
      limit,
    )
    .toArray()
    .map((row) => row.schedule_id)
}

/** When the soonest pending schedule is due (ms), from one row of an index. */
export function nextScheduleAt(sql: SqlStorage): number | null {
  const { next } = sql.exec<{ next: string | null }>('SELECT MIN(effective_at) AS next FROM pending_schedules').one()
  return next === null ? null : Date.parse(next)
}

/**
 * The key's pending schedules due by `at`, soonest first. A key has one at most (a second is refused while one is
 * pending); of several made before that rule, the soonest goes live and the others are superseded by it.
 */
export function scheduledBy(sql: SqlStorage, key: string, at: string): Schedule[] {
  return pendingSchedules(sql, key).filter((entry) => entry.effectiveAt <= at)
}

export interface NewSchedule {
  key: string
  text: string
  hash: string
  base: number
  by: string
  note: string | null
  effectiveAt: number
  proposalId: number | null
  now: number
}

/**
 * The refusal of a second schedule for a key while one is pending, at any time: both would be written against what
 * pages show now, so whichever came second would always be superseded by the first. It names the first (when, by
 * whom, approved or not, in `zone`) and carries it; the editor waits until it has gone live, or cancels it.
 */
export function conflictOf(sql: SqlStorage, key: string, zone: string): LedgerError | undefined {
  const row = sql
    .exec<ScheduleRow>(
      `${SCHEDULE_SELECT} WHERE s.key = ? AND o.schedule_id IS NULL ORDER BY s.effective_at, s.id LIMIT 1`,
      key,
    )
    .toArray()[0]
  if (!row) return undefined
  const first = toSchedule(row)
  const approval = first.proposalId
    ? ` (proposal ${first.proposalId}, ${first.approvedBy ? `approved by ${first.approvedBy}` : 'not yet approved'})`
    : ''
  return fail(
    'schedule_conflict',
    `schedule ${first.id}, by ${first.by}${approval}, already changes this disclaimer at ${inZone(Date.parse(first.effectiveAt), zone)}; a second change scheduled now would replace the same text, so it could never go live after that one. Schedule it once that one has gone live (from its text), or cancel that one first`,
    { schedule: first },
  )
}

export function insertSchedule(sql: SqlStorage, entry: NewSchedule): Schedule {
  const { id } = sql
    .exec<{ id: number }>(
      `INSERT INTO schedules (key, text, hash, base, by, at, note, effective_at, proposal_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      entry.key,
      entry.text,
      entry.hash,
      entry.base,
      entry.by,
      new Date(entry.now).toISOString(),
      entry.note,
      new Date(entry.effectiveAt).toISOString(),
      entry.proposalId,
    )
    .one()
  return schedule(sql, id) as Schedule
}

/** Records how a schedule ended; a schedule ends once (its row is the outcome's key). */
export function endSchedule(
  sql: SqlStorage,
  id: number,
  outcome: { outcome: ScheduleOutcome; by: string; reason?: string | null; version?: number | null; now: number },
): Schedule {
  sql.exec(
    'INSERT INTO schedule_outcomes (schedule_id, outcome, at, by, reason, version_seq) VALUES (?, ?, ?, ?, ?, ?)',
    id,
    outcome.outcome,
    new Date(outcome.now).toISOString(),
    outcome.by,
    outcome.reason ?? null,
    outcome.version ?? null,
  )
  return schedule(sql, id) as Schedule
}
