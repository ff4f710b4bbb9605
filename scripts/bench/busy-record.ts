// A ledger record of any size, written straight into a ledger object's SQLite a bounded step at a time: versions of
// every target with their landings, proposals with their decisions, schedules with their outcomes, events with their
// deliveries, the chain over all of it and the log's tree over the chain, computed by the ledger's own code as each
// step ends, as each of its transactions does. The benchmark's decade of heavy use and the route tests' busy record
// are both made by it; runs inside workerd (no Node APIs).
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'
import { TARGET_KEYS } from '../../src/core/site-map.ts'
import { chainPending, insertEach } from '../../src/ledger/chaining.ts'
import { extendLog } from '../../src/ledger/log-tree.ts'
import { type RecordSize, stepsOf } from './ledger-bench.ts'

export { DECADE, type RecordSize, stepsOf } from './ledger-bench.ts'

/** Proposals left open, and schedules left pending (still to come), at the newest end of the record. */
export const OPEN_PROPOSALS = 20
export const PENDING_SCHEDULES = 5

const SPAN_MS = 10 * 365 * 24 * 3_600_000
const EDITORS = ['alice', 'bob', 'carol'] as const
const FILLER =
  'This article is for information only and is not medical advice. Talk to a doctor or pharmacist before you take any supplement, and stop if you feel unwell.'

const iso = (ms: number) => new Date(ms).toISOString()
const hashOf = (text: string) => bytesToHex(sha256(utf8ToBytes(text))).slice(0, 16)
const keyOf = (index: number) => TARGET_KEYS[index % TARGET_KEYS.length] as string

/** The rows of a table of `total` that step `step` of `steps` writes: [from, to), zero-based. */
function sliceOf(total: number, step: number, steps: number): [number, number] {
  return [Math.floor((total * step) / steps), Math.floor((total * (step + 1)) / steps)]
}

/** Inserts rows given as arrays, in bounded statements, through one bound JSON parameter each. */
function insert(sql: SqlStorage, table: string, columns: string[], rows: unknown[][]): void {
  const picks = columns.map((_, index) => `value ->> ${index}`).join(', ')
  insertEach(sql, `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${picks} FROM json_each(?)`, rows)
}

/**
 * Writes step `step` of the record (of `stepsOf(size)`), ending `end` (ms): its share of each table, in time order,
 * then chains it. Run each step inside one transaction; steps are run in order, each once.
 */
export function fillStep(sql: SqlStorage, size: RecordSize, step: number, end: number): void {
  const steps = stepsOf(size)
  const start = end - SPAN_MS
  const timeOf = (index: number, total: number) => start + Math.floor(((index + 0.5) * SPAN_MS) / total)
  if (step === 0) {
    sql.exec(
      "INSERT INTO imports (at, by, imported, problems) VALUES (?, 'the cron', 0, '[]')",
      iso(start - 86_400_000),
    )
  }

  const [v0, v1] = sliceOf(size.versions, step, steps)
  const versions: unknown[][] = []
  const landings: unknown[][] = []
  for (let index = v0; index < v1; index++) {
    const seq = index + 1
    const key = keyOf(index)
    const at = timeOf(index, size.versions)
    const external = index % 50 === 7
    const rollback = !external && index % 10 === 9 && seq > 2 * TARGET_KEYS.length
    const approved = !external && !rollback && seq <= size.proposals - OPEN_PROPOSALS && seq % 10 !== 0
    const text = `${external ? 'Typed into the dashboard' : 'Version'} ${seq} of ${key}. ${FILLER}`
    const by = external ? 'outside the ledger' : (EDITORS[index % 3] as string)
    versions.push([
      seq,
      key,
      text,
      hashOf(text),
      iso(at),
      by,
      external ? 'external' : rollback ? 'rollback' : 'publish',
      index % 3 === 0 ? `change ${seq}` : null,
      approved ? EDITORS[(index + 1) % 3] : null,
      approved ? seq : null,
      rollback ? seq - 2 * TARGET_KEYS.length : null,
      1,
    ])
    if (!external) landings.push([seq, iso(at + 1_500)])
  }
  insert(
    sql,
    'versions',
    ['seq', 'key', 'text', 'hash', 'at', 'by', 'how', 'note', 'approved_by', 'proposal_id', 'rollback_of', 'valid'],
    versions,
  )
  insert(sql, 'landings', ['seq', 'at'], landings)

  const [p0, p1] = sliceOf(size.proposals, step, steps)
  const proposals: unknown[][] = []
  const decisions: unknown[][] = []
  for (let index = p0; index < p1; index++) {
    const id = index + 1
    const at = timeOf(index, size.proposals) - 3_600_000
    const text = `Proposed text ${id} of ${keyOf(index)}. ${FILLER}`
    const base = Math.max(0, Math.min(id, size.versions) - TARGET_KEYS.length)
    proposals.push([id, keyOf(index), text, hashOf(text), base, EDITORS[index % 3], iso(at), null])
    if (index >= size.proposals - OPEN_PROPOSALS) continue
    const approved = id % 10 !== 0
    decisions.push([
      id,
      approved ? 'approved' : 'rejected',
      EDITORS[(index + 1) % 3],
      iso(at + 1_800_000),
      approved ? null : 'not this wording',
      approved && id <= size.versions ? id : null,
    ])
  }
  insert(sql, 'proposals', ['id', 'key', 'text', 'hash', 'base', 'by', 'at', 'note'], proposals)
  insert(sql, 'decisions', ['proposal_id', 'decision', 'by', 'at', 'reason', 'published_seq'], decisions)

  const [s0, s1] = sliceOf(size.schedules, step, steps)
  const schedules: unknown[][] = []
  const outcomes: unknown[][] = []
  const outcomeKinds = ['live', 'superseded', 'cancelled', 'expired'] as const
  for (let index = s0; index < s1; index++) {
    const id = index + 1
    const pending = index >= size.schedules - PENDING_SCHEDULES
    const at = pending ? end - 3_600_000 : timeOf(index, size.schedules)
    const text = `Scheduled text ${id} of ${keyOf(index)}. ${FILLER}`
    const effective = pending ? end + (index + 2 - size.schedules) * 86_400_000 + 30 * 86_400_000 : at + 86_400_000
    schedules.push([id, keyOf(index), text, hashOf(text), 0, EDITORS[index % 3], iso(at), null, iso(effective), null])
    if (pending) continue
    const outcome = outcomeKinds[index % 4] as string
    outcomes.push([id, outcome, iso(effective), outcome === 'cancelled' ? 'bob' : 'the ledger', null, null])
  }
  insert(
    sql,
    'schedules',
    ['id', 'key', 'text', 'hash', 'base', 'by', 'at', 'note', 'effective_at', 'proposal_id'],
    schedules,
  )
  insert(sql, 'schedule_outcomes', ['schedule_id', 'outcome', 'at', 'by', 'reason', 'version_seq'], outcomes)

  const [e0, e1] = sliceOf(size.events, step, steps)
  const events: unknown[][] = []
  const deliveries: unknown[][] = []
  const kinds = ['version_live', 'proposal_opened', 'proposal_approved', 'schedule_cancelled', 'version_live'] as const
  for (let index = e0; index < e1; index++) {
    const id = index + 1
    const at = timeOf(index, size.events)
    const kind = kinds[index % kinds.length] as string
    const about = Math.max(1, Math.floor((index * size.versions) / size.events) + 1)
    const version = kind === 'version_live' ? Math.min(about, size.versions) : null
    const proposal = kind.startsWith('proposal') ? Math.min(about, size.proposals) : null
    events.push([id, iso(at), kind, keyOf(about - 1), version, proposal, EDITORS[index % 3], '{}'])
    deliveries.push([id, 'email', 'alice@example.org', `event-${id}.email-1`, 'sent', 1, iso(at + 2_000)])
    if (index % 2 === 0) {
      deliveries.push([id, 'webhook', 'webhook', `event-${id}.webhook-2`, 'sent', 1, iso(at + 2_000)])
    }
  }
  insert(sql, 'events', ['id', 'at', 'kind', 'key', 'version_seq', 'proposal_id', 'actor', 'detail'], events)
  insert(
    sql,
    'deliveries',
    ['event_id', 'channel', 'recipient', 'message_id', 'status', 'attempts', 'sent_at'],
    deliveries,
  )
  // Without the tree, the object's first transaction after a restart would append the whole record to it at once.
  chainPending(sql)
  extendLog(sql)
}
