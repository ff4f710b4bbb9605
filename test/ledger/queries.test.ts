// Reads of the record, called directly on a fresh object's SqlStorage: what is current, what was live when, and
// pages that reach every row.
import { describe, expect, it } from 'vitest'
import { fillStep, stepsOf } from '../../scripts/bench/busy-record.ts'
import { DEFAULT_PAGE, type LedgerVersion, MAX_PAGE, type ProposalStatus } from '../../src/core/ledger-types.ts'
import { TARGET_KEYS } from '../../src/core/site-map.ts'
import { insertDecision, insertProposal, insertVersion } from '../../src/ledger/append.ts'
import { enqueueWrite, writeFailed } from '../../src/ledger/outbox.ts'
import {
  audit,
  current,
  history,
  lastLandingAt,
  latestAt,
  openProposalCounts,
  PROPOSAL_SCAN,
  pending,
  proposal,
  proposals,
  recentLandings,
  version,
  versionAt,
} from '../../src/ledger/queries.ts'
import { allRows, LIVE_FROM, VERSION_SELECT } from '../../src/ledger/rows.ts'
import { endSchedule, insertSchedule } from '../../src/ledger/schedules.ts'
import { addVersion, uniqueKey, withFreshSql } from './helpers.ts'

const T = Date.parse('2026-12-01T10:00:00.000Z')
const iso = (ms: number) => new Date(ms).toISOString()

/** The rows SQLite read for `work`, from the cursor of every statement it ran through `counted`. */
function rowsRead(sql: SqlStorage, work: (counted: SqlStorage) => unknown): number {
  const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = []
  const counted = new Proxy(sql, {
    get: (target, property) =>
      property === 'exec'
        ? (query: string, ...bindings: unknown[]) => {
            const cursor = target.exec(query, ...bindings)
            cursors.push(cursor)
            return cursor
          }
        : Reflect.get(target, property, target),
  })
  work(counted)
  return cursors.reduce((sum, cursor) => sum + cursor.rowsRead, 0)
}

/** Every version of `key` reached by following `next` from the first page, with the pages' sizes. */
function allPages(sql: SqlStorage, key: string, limit?: number) {
  const seen: number[] = []
  const sizes: number[] = []
  let before: number | undefined
  for (;;) {
    const page = history(sql, key, { limit, before })
    sizes.push(page.versions.length)
    seen.push(...page.versions.map((row) => row.version))
    if (page.next === null) return { seen, sizes }
    before = page.next
  }
}

describe('current', () => {
  it("is the key's newest version the ledger wrote or saw, and none for a key without one", async () => {
    const result = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      await addVersion(sql, key, 'One.', { now: T })
      await addVersion(sql, key, 'Two.', { how: 'external', by: 'outside the ledger', now: T })
      await addVersion(sql, uniqueKey(), 'Another key.', { now: T + 10 })
      return { now: current(sql, key), none: current(sql, uniqueKey()) }
    })

    expect(result.now).toMatchObject({ version: 2, text: 'Two.' })
    expect(result.none).toBeNull()
  })

  it('is an imported version only where the key has nothing else: the newest by time, then by row', async () => {
    const result = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const imported = (text: string, at: string) => addVersion(sql, key, text, { how: 'import', at, importId: text })
      await imported('Newest by time.', '2026-03-01T00:00:00.000Z')
      await imported('Older.', '2026-01-01T00:00:00.000Z')
      const tied = uniqueKey()
      await addVersion(sql, tied, 'Tied, first row.', { how: 'import', at: '2026-02-01T00:00:00.000Z', importId: 't1' })
      await addVersion(sql, tied, 'Tied, later row.', { how: 'import', at: '2026-02-01T00:00:00.000Z', importId: 't2' })
      return { key: current(sql, key), tied: current(sql, tied) }
    })

    expect(result.key?.text).toBe('Newest by time.')
    expect(result.tied?.text).toBe('Tied, later row.')
  })

  it('is never an imported version where the ledger has one, whatever time the import carries', async () => {
    const now = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      await addVersion(sql, key, 'Published.', { now: T })
      // As the import wrote them before times were clamped: an entry timed in 2999.
      await addVersion(sql, key, 'Forged.', { how: 'import', at: '2999-01-01T00:00:00.000Z', importId: 'x' })
      return current(sql, key)
    })

    expect(now).toMatchObject({ text: 'Published.', how: 'publish' })
  })

  it('reads a row or two, with when KV last took a version, however long the history is', async () => {
    const reads = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const lookUp = () => rowsRead(sql, (counted) => [current(counted, key), lastLandingAt(counted, key)])
      await addVersion(sql, key, 'Published.', { now: T, landedAt: T })
      const short = lookUp()
      for (let index = 0; index < 200; index++) {
        await addVersion(sql, key, `Imported ${index}.`, { how: 'import', at: iso(index), importId: `i${index}` })
      }
      await addVersion(sql, key, 'Seen around the ledger.', { how: 'external', now: T + 1 })
      await addVersion(sql, key, 'Published again.', { now: T + 2, landedAt: T + 3 })
      return { short, long: lookUp() }
    })

    expect(reads).toEqual({ short: 5, long: 5 })
  })
})

describe('recentLandings', () => {
  it("names the key's two newest landed versions, reading a bounded number of rows however long the history", async () => {
    const result = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const first = await addVersion(sql, key, 'First.', { now: T, landedAt: T })
      const second = await addVersion(sql, key, 'Second.', { now: T + 1, landedAt: T + 1 })
      const third = await addVersion(sql, key, 'Third.', { now: T + 2, landedAt: T + 2 })
      const short = rowsRead(sql, (counted) => recentLandings(counted, key))
      const landed = recentLandings(sql, key)
      for (let index = 0; index < 300; index++) {
        await addVersion(sql, key, `Seen ${index}.`, { how: 'external', now: T + 3 + index })
      }
      return {
        landed,
        seqs: [first, second, third].map((row) => row.version),
        short,
        long: rowsRead(sql, (counted) => recentLandings(counted, key)),
        farBack: recentLandings(sql, key),
      }
    })

    expect(result.landed).toEqual([result.seqs[2], result.seqs[1]])
    // Landings further back than the newest rows are not looked for: the read stays bounded.
    expect(result.farBack).toEqual([])
    expect(result.long).toBeLessThanOrEqual(result.short + 40)
  })
})

describe('latestAt and lastLandingAt', () => {
  it("give the key's latest row time and when KV last took one of its versions", async () => {
    const result = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const empty = { latest: latestAt(sql, key), landed: lastLandingAt(sql, key) }
      await addVersion(sql, key, 'Landed.', { now: T, landedAt: T + 100 })
      await addVersion(sql, key, 'Landed later.', { now: T + 200, landedAt: T + 300 })
      await addVersion(sql, key, 'Seen around it.', { how: 'external', now: T + 400 })
      await addVersion(sql, key, 'Not landed yet.', { now: T + 500 })
      await addVersion(sql, uniqueKey(), 'Another key.', { now: T + 900, landedAt: T + 950 })
      return { empty, latest: latestAt(sql, key), landed: lastLandingAt(sql, key) }
    })

    expect(result.empty).toEqual({ latest: null, landed: null })
    expect(result.latest).toBe(iso(T + 500))
    expect(result.landed).toBe(T + 300)
  })
})

describe('history', () => {
  it('pages through more than 100 versions newest first, each exactly once, saying where the next page starts', async () => {
    const { first, pages, all } = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const added: number[] = []
      for (let index = 0; index < 230; index++)
        added.push((await addVersion(sql, key, `Text ${index}.`, { now: T })).version)
      await addVersion(sql, uniqueKey(), 'Another key.', { now: T })
      return { first: history(sql, key), pages: allPages(sql, key), all: added.reverse() }
    })

    expect(first.versions).toHaveLength(DEFAULT_PAGE)
    expect(first.next).toBe(first.versions.at(-1)?.version)
    expect(pages.sizes).toEqual([100, 100, 30])
    expect(pages.seen).toEqual(all)
  })

  it('pages through versions that share a time (imports clamped together) without skipping or repeating one', async () => {
    const { pages, expected } = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      for (let index = 0; index < 7; index++) {
        await addVersion(sql, key, `Imported ${index}.`, {
          how: 'import',
          at: '2026-01-01T00:00:00.000Z',
          importId: `i${index}`,
        })
      }
      await addVersion(sql, key, 'Published.', { now: T })
      const expected = [8, 7, 6, 5, 4, 3, 2, 1]
      return { pages: allPages(sql, key, 3), expected }
    })

    expect(pages.sizes).toEqual([3, 3, 2])
    expect(pages.seen).toEqual(expected)
  })

  it('bounds the page size, and answers an empty last page for a start that is not a version', async () => {
    const result = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      for (let index = 0; index < MAX_PAGE + 5; index++) await addVersion(sql, key, `Text ${index}.`, { now: T })
      const size = (limit: number) => history(sql, key, { limit }).versions.length
      return {
        zero: size(0),
        negative: size(-3),
        fraction: size(2.7),
        huge: size(10_000),
        unknown: history(sql, key, { before: 999_999 }),
      }
    })

    expect(result).toEqual({
      zero: DEFAULT_PAGE,
      negative: 1,
      fraction: 2,
      huge: MAX_PAGE,
      unknown: { versions: [], next: null },
    })
  })
})

describe('versionAt', () => {
  it("names the version pages showed: the ledger's own from when KV took it, others from when they were seen", async () => {
    const result = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const imported = await addVersion(sql, key, 'Imported.', { how: 'import', at: iso(T - 1000), importId: 'x' })
      const landed = await addVersion(sql, key, 'Published.', { now: T, landedAt: T + 50 })
      const external = await addVersion(sql, key, 'Put around it.', { how: 'external', now: T + 100 })
      const at = (ms: number) => versionAt(sql, key, iso(ms))?.version ?? null
      return {
        rows: [imported, landed, external].map((row) => row.version),
        before: at(T - 1001),
        fromImport: at(T - 1000),
        acceptedNotLanded: at(T + 49),
        landed: at(T + 50),
        external: at(T + 100),
      }
    })

    const [imported, landed, external] = result.rows
    expect(result).toMatchObject({ before: null, fromImport: imported, acceptedNotLanded: imported, landed, external })
  })

  it('never names a version that KV never took', async () => {
    const result = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const live = await addVersion(sql, key, 'Live.', { now: T, landedAt: T + 1 })
      const stuck = await addVersion(sql, key, 'Accepted while KV failed.', { now: T + 10 })
      enqueueWrite(sql, key, stuck.version, T + 10)
      return {
        live: live.version,
        later: versionAt(sql, key, iso(T + 86_400_000))?.version,
        end: versionAt(sql, key, '9999-12-31T23:59:59.999Z')?.version,
        current: current(sql, key)?.version,
        stuck: stuck.version,
      }
    })

    expect(result.later).toBe(result.live)
    expect(result.end).toBe(result.live)
    expect(result.current).toBe(result.stuck)
  })
})

describe('audit', () => {
  it("lists every key's versions, newest row first, a page at a time", async () => {
    const result = await withFreshSql(async (sql) => {
      for (let index = 0; index < 5; index++)
        await addVersion(sql, uniqueKey(), `Text ${index}.`, { now: T - index * 1000 })
      const first = audit(sql, { limit: 2 })
      return {
        first,
        second: audit(sql, { limit: 2, before: first.next as number }),
        last: audit(sql, { limit: 2, before: 1 }),
        all: audit(sql),
      }
    })

    expect(result.first).toMatchObject({ versions: [{ version: 5 }, { version: 4 }], next: 4 })
    expect(result.second).toMatchObject({ versions: [{ version: 3 }, { version: 2 }], next: 2 })
    expect(result.last).toEqual({ versions: [], next: null })
    expect(result.all.versions.map((row: LedgerVersion) => row.version)).toEqual([5, 4, 3, 2, 1])
    expect(result.all.next).toBeNull()
  })
})

describe('allRows', () => {
  it('answers the rows toArray answers, each column in its order, reading the same rows', async () => {
    const result = await withFreshSql(async (sql) => {
      for (let index = 0; index < 3; index++) {
        await addVersion(sql, uniqueKey(), index === 1 ? null : `Text ${index}.`, { now: T - index * 1000 })
      }
      const query = `${VERSION_SELECT} ORDER BY v.seq DESC`
      const built = sql.exec(query)
      const fromArrays = allRows(built)
      const runtime = sql.exec(query)
      const fromRuntime = runtime.toArray()
      const rowsRead = [built.rowsRead, runtime.rowsRead]
      return { fromArrays, fromRuntime, rowsRead, none: allRows(sql.exec(`${query} LIMIT 0`)) }
    })

    expect(JSON.stringify(result.fromArrays)).toBe(JSON.stringify(result.fromRuntime))
    expect(result.fromArrays.map((row) => Object.keys(row))).toEqual(result.fromRuntime.map((row) => Object.keys(row)))
    expect(result.fromArrays.map((row) => row.seq)).toEqual([3, 2, 1])
    expect(result.fromArrays[1]?.text).toBeNull()
    expect(result.rowsRead).toEqual([6, 6])
    expect(result.none).toEqual([])
  })
})

describe('proposals', () => {
  it('filters by status and key before the page limit, newest first, and counts the open ones per key', async () => {
    const result = await withFreshSql((sql) => {
      const home = uniqueKey()
      const other = uniqueKey()
      const propose = (key: string, index: number) =>
        insertProposal(sql, {
          key,
          text: `Idea ${index}.`,
          hash: 'h',
          base: 0,
          by: 'alice',
          note: null,
          now: T + index,
        })
      const open = propose(home, 0)
      for (let index = 1; index <= 5; index++) {
        const id = propose(other, index)
        insertDecision(sql, {
          proposalId: id,
          decision: 'rejected',
          by: 'bob',
          at: iso(T),
          reason: 'no',
          publishedSeq: null,
        })
      }
      const stillOpen = propose(other, 6)
      const firstPage = proposals(sql, { key: other, limit: 4 })
      return {
        open,
        stillOpen,
        openOnes: proposals(sql, { status: 'open', limit: 1 }),
        openAtHome: proposals(sql, { status: 'open', key: home }),
        firstPage,
        secondPage: proposals(sql, { key: other, limit: 4, before: firstPage.next as number }),
        counts: openProposalCounts(sql),
        home,
        other,
      }
    })

    expect(result.openOnes).toMatchObject({ proposals: [{ id: result.stillOpen }], next: result.stillOpen })
    expect(result.openAtHome).toMatchObject({ proposals: [{ id: result.open, status: 'open' }], next: null })
    expect(result.firstPage.proposals.map((proposal) => proposal.id)).toEqual([7, 6, 5, 4])
    expect(result.secondPage).toMatchObject({ proposals: [{ id: 3 }, { id: 2 }], next: null })
    expect(result.counts).toEqual(
      new Map([
        [result.home, 1],
        [result.other, 1],
      ]),
    )
  })
})

describe('proposal status', () => {
  it('is how each proposal ended, and the status filter finds every one by it', async () => {
    const result = await withFreshSql((sql) => {
      const key = uniqueKey()
      const propose = (index: number, effectiveAt?: number) => {
        const id = insertProposal(sql, {
          key,
          text: `Idea ${index}.`,
          hash: 'h',
          base: 0,
          by: 'alice',
          note: null,
          now: T,
        })
        const schedule =
          effectiveAt === undefined
            ? undefined
            : insertSchedule(sql, {
                key,
                text: `Idea ${index}.`,
                hash: 'h',
                base: 0,
                by: 'alice',
                note: null,
                effectiveAt,
                proposalId: id,
                now: T,
              }).id
        return { id, schedule: schedule as number }
      }
      const decide = (id: number, decision: 'approved' | 'rejected') =>
        insertDecision(sql, { proposalId: id, decision, by: 'bob', at: iso(T), reason: null, publishedSeq: null })
      const end = (schedule: number, outcome: 'live' | 'superseded' | 'expired' | 'cancelled') =>
        endSchedule(sql, schedule, { outcome, by: 'the ledger', now: T + 1 })
      const open = propose(1)
      const approved = propose(2)
      decide(approved.id, 'approved')
      const rejected = propose(3, T + 1)
      decide(rejected.id, 'rejected')
      end(rejected.schedule, 'cancelled')
      const approvedThenSuperseded = propose(4, T + 1)
      decide(approvedThenSuperseded.id, 'approved')
      end(approvedThenSuperseded.schedule, 'superseded')
      const approvedThenCancelled = propose(5, T + 1)
      decide(approvedThenCancelled.id, 'approved')
      end(approvedThenCancelled.schedule, 'cancelled')
      const expired = propose(6, T + 1)
      end(expired.schedule, 'expired')
      const wentLive = propose(7, T + 1)
      decide(wentLive.id, 'approved')
      end(wentLive.schedule, 'live')
      const ids = (status: ProposalStatus) => proposals(sql, { status, key }).proposals.map((found) => found.id)
      return {
        ids: { open, approved, rejected, approvedThenSuperseded, approvedThenCancelled, expired, wentLive },
        statuses: [1, 2, 3, 4, 5, 6, 7].map((id) => proposal(sql, id)?.status),
        superseded: proposal(sql, approvedThenSuperseded.id),
        filtered: {
          open: ids('open'),
          approved: ids('approved'),
          rejected: ids('rejected'),
          superseded: ids('superseded'),
          cancelled: ids('cancelled'),
          expired: ids('expired'),
        },
      }
    })

    expect(result.statuses).toEqual(['open', 'approved', 'rejected', 'superseded', 'cancelled', 'expired', 'approved'])
    expect(result.superseded).toMatchObject({ status: 'superseded', decidedBy: 'bob', publishedVersion: null })
    expect(result.filtered).toEqual({
      open: [1],
      approved: [7, 2],
      rejected: [3],
      superseded: [4],
      cancelled: [5],
      expired: [6],
    })
  })
})

describe('pending', () => {
  it('lists each key whose newest version KV does not hold yet, with its last error and next attempt', async () => {
    const result = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const waiting = await addVersion(sql, key, 'Waiting.', { now: T })
      enqueueWrite(sql, key, waiting.version, T)
      const nextAt = writeFailed(sql, key, waiting.version, 'KV PUT failed: 503', T + 1000)
      return { list: pending(sql), key, nextAt, seq: waiting.version }
    })

    expect(result.list).toEqual([
      {
        key: result.key,
        version: result.seq,
        attempts: 1,
        lastError: 'KV PUT failed: 503',
        nextAt: iso(result.nextAt),
      },
    ])
  })
})

describe('version', () => {
  it('answers any row by number, with when KV took it, and null for a number with no row', async () => {
    const result = await withFreshSql(async (sql) => {
      const added = await addVersion(sql, uniqueKey(), 'A text.', { now: T, landedAt: T + 5 })
      return {
        found: version(sql, added.version),
        missing: version(sql, added.version + 1),
        negative: version(sql, -1),
      }
    })

    expect(result.found).toMatchObject({ version: 1, text: 'A text.', landedAt: iso(T + 5), valid: true })
    expect(result.missing).toBeNull()
    expect(result.negative).toBeNull()
  })
})

describe('reads of a busy record', () => {
  it('answer what was live at any time from a row or two, and a page of history from its own rows, as walking the whole history would', async () => {
    const result = await withFreshSql((sql, state) => {
      const size = { versions: 3_500, proposals: 100, schedules: 10, events: 100 }
      const end = Date.now()
      for (let step = 0; step < stepsOf(size); step++) {
        state.storage.transactionSync(() => fillStep(sql, size, step, end))
      }
      // A version still on its way to KV, and an edit found around the ledger after it: neither was live before.
      const last = current(sql, 'disclaimer') as LedgerVersion
      insertVersion(sql, {
        key: 'disclaimer',
        text: 'Not in KV yet.',
        hash: 'x',
        by: 'bob',
        how: 'publish',
        valid: true,
        now: end,
      })
      const span = end - Date.parse((history(sql, 'disclaimer', { limit: 1, before: 2 }).versions[0] ?? last).at)
      const times = Array.from({ length: 40 }, (_, index) =>
        new Date(end - Math.floor((span * index) / 40)).toISOString(),
      )
      const walked = (key: string, at: string) =>
        sql
          .exec<{ seq: number }>(
            `SELECT v.seq FROM versions v LEFT JOIN landings l ON l.seq = v.seq WHERE v.key = ?
             AND ${LIVE_FROM} <= ? ORDER BY ${LIVE_FROM} DESC, v.seq DESC LIMIT 1`,
            key,
            at,
          )
          .toArray()[0]?.seq ?? null
      const answers = TARGET_KEYS.flatMap((key) =>
        times.map((at) => [versionAt(sql, key, at)?.version ?? null, walked(key, at)]),
      )
      const reads = times.map((at) => rowsRead(sql, (counted) => versionAt(counted, 'disclaimer', at)))
      // A page of history from the middle: its own rows, and the same pages as walking back from the newest.
      const pages: number[][] = []
      let before: number | undefined
      for (let page = 0; page < 6; page++) {
        const found = history(sql, 'disclaimer', { limit: 100, before })
        pages.push(found.versions.map((row) => row.version))
        before = found.next ?? undefined
      }
      const deep = rowsRead(sql, (counted) => history(counted, 'disclaimer', { limit: 100, before: pages[3]?.at(-1) }))
      const whole = sql
        .exec<{ seq: number }>("SELECT seq FROM versions WHERE key = 'disclaimer' ORDER BY at DESC, seq DESC LIMIT 600")
        .toArray()
        .map((row) => row.seq)
      return {
        answers,
        reads,
        last: last.version,
        now: versionAt(sql, 'disclaimer', new Date(end + 1).toISOString()),
        pages,
        deep,
        whole,
      }
    })

    for (const [fast, walked] of result.answers) expect(fast).toBe(walked)
    expect(result.answers.filter(([fast]) => fast !== null).length).toBeGreaterThan(200)
    expect(result.now?.version).toBe(result.last)
    expect(Math.max(...result.reads)).toBeLessThanOrEqual(8)
    expect(result.pages.flat()).toEqual(result.whole)
    // The anchor, then the page's hundred versions and the one more that says there is a next, each with its landing
    // and chain rows: never the four hundred newer ones.
    expect(result.deep).toBeLessThanOrEqual(3 + 101 * 3 + 1)
  }, 60_000)

  it('look for a decided status among a bounded number of proposals a page, and reach every one by `next`', async () => {
    const result = await withFreshSql((sql, state) => {
      const size = { versions: 70, proposals: 3_000, schedules: 10, events: 100 }
      for (let step = 0; step < stepsOf(size); step++) {
        state.storage.transactionSync(() => fillStep(sql, size, step, Date.now()))
      }
      const walk = (status: 'rejected' | 'open' | 'superseded') => {
        const found: number[] = []
        const reads: number[] = []
        let before: number | undefined
        for (let page = 0; page < 20; page++) {
          let answer: ReturnType<typeof proposals> = { proposals: [], next: null }
          reads.push(rowsRead(sql, (counted) => (answer = proposals(counted, { status, limit: 100, before }))))
          found.push(...answer.proposals.map((entry) => entry.id))
          if (answer.next === null) break
          before = answer.next
        }
        return { found, reads }
      }
      const rejected = sql
        .exec<{ id: number }>("SELECT proposal_id AS id FROM decisions WHERE decision = 'rejected' ORDER BY id DESC")
        .toArray()
        .map((row) => row.id)
      return { rejected: walk('rejected'), expected: rejected, open: walk('open'), none: walk('superseded') }
    })

    expect(result.rejected.found).toEqual(result.expected)
    expect(result.rejected.reads.length).toBe(Math.ceil(result.expected.length / 100))
    // Rejected ones are found by index: each page reads its hundred proposals (and the one more that says there is a
    // next), each with its decision, schedule and outcome, version and index entry, never the proposals between them.
    for (const reads of result.rejected.reads) expect(reads).toBeLessThanOrEqual(101 * 7)
    expect(result.none.found).toEqual([])
    for (const reads of result.none.reads) expect(reads).toBeLessThanOrEqual(PROPOSAL_SCAN * 6)
    expect(result.open.found).toHaveLength(20)
    expect(result.open.reads).toHaveLength(1)
    expect(result.open.reads[0]).toBeLessThanOrEqual(20 * 8)
  }, 60_000)
})
