// The ledger's numbered migrations on real SQLite storage: a database made by the schema objects ran before
// migrations were numbered reaches the same schema as a fresh one, its rows survive, and a second run changes nothing.
import { describe, expect, it } from 'vitest'
import { sha256Hex } from '../../src/core/keys.ts'
import { importRecord } from '../../src/ledger/legacy-import.ts'
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src/ledger/migrations.ts'
import { migrate } from '../../src/ledger/schema.ts'
import BEFORE_MIGRATIONS from '../fixtures/ledger-schema-before-migrations.sql?raw'
import { withFreshSql } from './helpers.ts'

/** Every table, index and trigger, with the SQL that made it (the runtime's own `_cf_` tables left out). */
function schemaOf(sql: SqlStorage) {
  return sql
    .exec("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE substr(name, 1, 4) <> '_cf_' ORDER BY type, name")
    .toArray()
}

function appliedOf(sql: SqlStorage) {
  return sql.exec('SELECT version, name FROM schema_migrations ORDER BY version').toArray()
}

/**
 * Makes the fresh object's database one the pre-migration code made: its tables dropped (triggers only refuse UPDATE
 * and DELETE, and go with their table), then the old schema run as every object ran it on start.
 */
function rebuildBeforeMigrations(sql: SqlStorage): void {
  const tables = sql
    .exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'sqlite_sequence' AND substr(name, 1, 4) <> '_cf_'",
    )
    .toArray()
  for (const { name } of tables) sql.exec(`DROP TABLE "${name}"`)
  sql.exec(BEFORE_MIGRATIONS)
}

/** Runs each migration in a transaction of the object's own, as the ledger does when it starts. */
function inTransactions(state: DurableObjectState) {
  return { transact: <T>(work: () => T) => state.storage.transactionSync(work) }
}

/** The SHA-256 of each shipped migration's SQL, written down when it shipped. */
const SHIPPED_MIGRATIONS: Record<number, string> = {
  1: 'e950ab78b30255d51bd8cd53438958f9631553b9b09f9cfb473a2326d83e7f71',
  2: '272e237aad9acc15b1eed7fddb6921e80a3575cb7f76727e11b128f9d39edf24',
  3: '6633906d8f68aba16786208567cfa3ce425f2ab21df29fbe910040ff35ff1f8b',
  4: 'df31d0872767ce862fd77f40aad5bac03a2a8389c0b43619103b47119adde499',
  5: 'c9a1e7d908428ba47865ba6d24a46f357dfbd4951c0e8ca5f23b48403de27963',
  6: '38368c4dea258f7ff141c78d68d67bb6d1dc0355afd9b07728fdb8101234727b',
  7: 'd219941846b8f58420808d1c4cf6bc37401792357fd429162466b62ceb7ade94',
  8: '58ba1b4999ff82b42f98777a266bbc27586776d4e9b1b9630c47bea75057d7a4',
  9: '089ee250149008dddde49a7acf5917376ea618bd99c3a8d9f6e3f489c94f021d',
  10: 'db0241f294992d6ec164c855977d3ef57280a221f29e7a4488fb181d2a51c553',
  11: '3fe60652aa52e48bed6c97371db4850d371817c192924ec93abf31aeb8ddb545',
  12: 'd89fb075893e5473763c7ec51dda5cdf056716938ecf4053d662976a1cb20c34',
}

const T = Date.parse('2026-11-20T09:00:00.000Z')
const iso = (ms: number) => new Date(ms).toISOString()

/** Rows as the pre-migration ledger wrote them: a publish that landed, an import, an edit around it, a decision. */
function seedBeforeMigrations(sql: SqlStorage): void {
  const version = `INSERT INTO versions (key, text, hash, at, by, how, note, approved_by, proposal_id, rollback_of, valid,
    problem, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
  sql.exec(
    version,
    'disclaimer',
    'The text before.',
    'aaaa',
    iso(0),
    'legacy:alice',
    'import',
    'set',
    null,
    null,
    null,
    1,
    null,
    'history/disclaimer/x#before',
  )
  sql.exec(
    version,
    'disclaimer',
    'The published text.',
    'bbbb',
    iso(T),
    'alice',
    'publish',
    null,
    'bob',
    1,
    null,
    1,
    null,
    null,
  )
  sql.exec(
    version,
    'disclaimer:home',
    'Put around it.',
    'cccc',
    iso(T + 5),
    'outside the ledger',
    'external',
    null,
    null,
    null,
    null,
    1,
    null,
    null,
  )
  sql.exec('INSERT INTO landings (seq, at) VALUES (2, ?)', iso(T + 1))
  sql.exec(
    "INSERT INTO proposals (key, text, hash, base, by, at, note) VALUES ('disclaimer', 'The published text.', 'bbbb', 1, 'alice', ?, 'legal')",
    iso(T - 10),
  )
  sql.exec(
    "INSERT INTO decisions (proposal_id, decision, by, at, reason, published_seq) VALUES (1, 'approved', 'bob', ?, NULL, 2)",
    iso(T),
  )
  sql.exec(
    "INSERT INTO outbox (key, seq, attempts, last_error, next_at) VALUES ('disclaimer', 2, 1, 'KV PUT failed', ?)",
    T + 1000,
  )
  sql.exec(`INSERT INTO purges (tags, due) VALUES ('["disclaimer:global"]', ?)`, T + 120_000)
}

const KEPT_TABLES = ['versions', 'landings', 'proposals', 'decisions', 'outbox'] as const

describe('schema', () => {
  it('numbers its migrations 1, 2, 3… with a name each, and the first creates only what is missing', () => {
    // 9 is held by another branch (the lead renumbers at merge); the log is 10.
    expect(MIGRATIONS.map((migration) => migration.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    expect(LATEST_SCHEMA_VERSION).toBe(12)
    expect(new Set(MIGRATIONS.map((migration) => migration.name)).size).toBe(MIGRATIONS.length)
    const creates = (MIGRATIONS[0]?.sql ?? '').match(/CREATE (TABLE|INDEX|TRIGGER)[^(]*/g) ?? []
    expect(creates).toHaveLength(16)
    for (const statement of creates) expect(statement).toContain('IF NOT EXISTS')
  })

  it('brings a fresh object to the latest version when it starts', async () => {
    const applied = await withFreshSql((sql) => appliedOf(sql))

    expect(applied.map((row) => row.version)).toEqual(MIGRATIONS.map((migration) => migration.version))
    expect(applied.at(-1)).toEqual({ version: LATEST_SCHEMA_VERSION, name: MIGRATIONS.at(-1)?.name })
  })

  it('brings a database made by the schema before migrations to the same schema as a fresh one', async () => {
    const fresh = await withFreshSql((sql) => schemaOf(sql))

    const migrated = await withFreshSql((sql, state) => {
      rebuildBeforeMigrations(sql)
      expect(schemaOf(sql).map((row) => row.name)).not.toContain('schema_migrations')
      const steps = migrate(sql, inTransactions(state))
      return { steps, schema: schemaOf(sql), applied: appliedOf(sql) }
    })

    expect(migrated.steps).toEqual({ from: 0, to: LATEST_SCHEMA_VERSION })
    expect(migrated.schema).toEqual(fresh)
    expect(migrated.applied.map((row) => row.version)).toEqual(MIGRATIONS.map((migration) => migration.version))
    expect(fresh.filter((row) => row.type === 'trigger').length).toBeGreaterThanOrEqual(10)
  })

  it('changes nothing when run again', async () => {
    const { before, steps, after } = await withFreshSql((sql, state) => {
      const snapshot = () => ({
        schema: schemaOf(sql),
        applied: sql.exec('SELECT * FROM schema_migrations ORDER BY version').toArray(),
      })
      const first = snapshot()
      const again = migrate(sql, { ...inTransactions(state), now: new Date(Date.now() + 86_400_000) })
      return { before: first, steps: again, after: snapshot() }
    })

    expect(steps).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION })
    expect(after).toEqual(before)
  })

  it('keeps the rows of a database made before migrations, its import record and its waiting purge', async () => {
    const result = await withFreshSql((sql, state) => {
      rebuildBeforeMigrations(sql)
      seedBeforeMigrations(sql)
      sql.exec("INSERT INTO settings (name, value) VALUES ('legacy_imported_at', '2026-11-01T00:00:00.000Z')")
      const kept = Object.fromEntries(
        KEPT_TABLES.map((table) => [table, sql.exec(`SELECT * FROM ${table} ORDER BY rowid`).toArray()]),
      )

      migrate(sql, inTransactions(state))

      const tables = schemaOf(sql)
        .filter((row) => row.type === 'table')
        .map((row) => row.name)
      const rows = (table: string) => sql.exec(`SELECT * FROM ${table} ORDER BY rowid`).toArray()
      const now = Object.fromEntries(KEPT_TABLES.map((table) => [table, rows(table)]))
      const next = sql
        .exec<{ seq: number }>(
          "INSERT INTO versions (key, at, by, how, valid) VALUES ('disclaimer', ?, 'carol', 'publish', 1) RETURNING seq",
          iso(T + 10),
        )
        .one().seq
      const tampering = ['UPDATE versions SET text = NULL', 'DELETE FROM imports'].map((statement) => {
        try {
          sql.exec(statement)
          return 'allowed'
        } catch (error) {
          return String(error)
        }
      })
      return {
        kept,
        now,
        imports: rows('imports'),
        record: importRecord(sql),
        purgeJobs: rows('purge_jobs'),
        tables,
        next,
        tampering,
      }
    })

    for (const table of KEPT_TABLES) {
      expect(result.now[table], table).toHaveLength(result.kept[table]?.length ?? -1)
      for (const [index, row] of (result.kept[table] ?? []).entries()) {
        expect(result.now[table]?.[index], table).toMatchObject(row)
      }
    }
    expect(result.imports).toEqual([
      {
        id: 1,
        at: '2026-11-01T00:00:00.000Z',
        by: 'the ledger, before imports were recorded',
        imported: 1,
        problems: '[]',
      },
    ])
    expect(result.record).toEqual({
      at: '2026-11-01T00:00:00.000Z',
      by: 'the ledger, before imports were recorded',
      imported: 1,
      problems: [],
    })
    expect(result.purgeJobs).toEqual([
      { id: 1, tags: '["disclaimer:global"]', due: T + 120_000, attempts: 0, last_error: null },
    ])
    expect(result.tables).not.toContain('purges')
    expect(result.tables).not.toContain('settings')
    expect(result.next).toBe(4)
    for (const outcome of result.tampering) expect(outcome).toMatch(/append-only/)
  })

  it('leaves the import to the cron when the database before migrations had not run it', async () => {
    const { imports, record } = await withFreshSql((sql, state) => {
      rebuildBeforeMigrations(sql)
      seedBeforeMigrations(sql)
      migrate(sql, inTransactions(state))
      return { imports: sql.exec('SELECT * FROM imports').toArray(), record: importRecord(sql) }
    })

    expect(imports).toEqual([])
    expect(record).toBeNull()
  })

  it('applies each migration with its number in one transaction: a failed one changes nothing, and the next start resumes at it', async () => {
    const fresh = await withFreshSql((sql) => schemaOf(sql))
    const { error, tables, applied, resumed } = await withFreshSql((sql, state) => {
      rebuildBeforeMigrations(sql)
      // A table migration 2 makes half-way through, already there: migration 2 fails after its first statements ran.
      sql.exec('CREATE TABLE purge_jobs (note TEXT)')
      let thrown = ''
      try {
        migrate(sql, inTransactions(state))
      } catch (caught) {
        thrown = String(caught)
      }
      const tables = schemaOf(sql)
        .filter((row) => row.type === 'table')
        .map((row) => row.name)
      const applied = appliedOf(sql).map((row) => row.version)
      sql.exec('DROP TABLE purge_jobs')
      return { error: thrown, tables, applied, resumed: migrate(sql, inTransactions(state)) }
    })

    expect(error).toMatch(/purge_jobs/)
    expect(applied).toEqual([1])
    expect(tables).toEqual(expect.arrayContaining(['purges', 'settings', 'versions', 'schema_migrations']))
    // Nothing of migration 2 stayed: not the tables it made before the one that failed.
    expect(tables).not.toContain('imports')
    expect(resumed).toEqual({ from: 1, to: LATEST_SCHEMA_VERSION })
    const after = await withFreshSql((sql, state) => {
      rebuildBeforeMigrations(sql)
      migrate(sql, inTransactions(state))
      return schemaOf(sql)
    })
    expect(after).toEqual(fresh)
  })

  it('keeps each shipped migration exactly as it shipped', async () => {
    const digests = await Promise.all(
      MIGRATIONS.map(async (migration) => [migration.version, await sha256Hex(migration.sql)] as const),
    )
    // A shipped migration already ran on every object that exists: changing its text changes nothing there, and
    // makes new objects differ from old ones. Add the next number instead, and its digest here.
    expect(Object.fromEntries(digests)).toEqual(SHIPPED_MIGRATIONS)
  })

  it('runs nothing on a record migrated by newer code, and says so', async () => {
    const {
      state: found,
      schema,
      before,
    } = await withFreshSql((sql, state) => {
      const before = schemaOf(sql)
      sql.exec(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from newer code', ?)",
        LATEST_SCHEMA_VERSION + 1,
        new Date().toISOString(),
      )
      return { state: migrate(sql, inTransactions(state)), schema: schemaOf(sql), before }
    })

    expect(found).toEqual({
      from: LATEST_SCHEMA_VERSION + 1,
      to: LATEST_SCHEMA_VERSION + 1,
      ahead: LATEST_SCHEMA_VERSION + 1,
    })
    expect(schema).toEqual(before)
  })
})
