// The step that brings a ledger's database to the latest schema (migrations.ts), run by every object on start, and
// what the ledger says when newer code has migrated it already.
import type { LedgerError } from '../core/ledger-types.ts'
import { fail } from './context.ts'
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations.ts'

/** Where the schema stood when `migrate` ran, and where it stands now. */
export interface SchemaState {
  from: number
  to: number
  /** Set when the record was migrated by newer code than this: the version found, which this code does not know. */
  ahead?: number
}

/**
 * Brings the database to the latest schema: each migration not yet applied runs once, in order, in a transaction of
 * its own with the row that records it, so a migration is either wholly applied and recorded or not at all, and a
 * start that fails part way resumes at the migration that failed. A record already at a version this code does not
 * know (newer code migrated it) is left as it is and reported as `ahead`.
 */
export function migrate(
  sql: SqlStorage,
  { transact, now = new Date() }: { transact: <T>(work: () => T) => T; now?: Date },
): SchemaState {
  sql.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  )
  const from = appliedVersion(sql)
  if (from > LATEST_SCHEMA_VERSION) return { from, to: from, ahead: from }
  for (const migration of MIGRATIONS) {
    if (migration.version <= from) continue
    transact(() => {
      sql.exec(migration.sql)
      sql.exec(
        'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
        migration.version,
        migration.name,
        now.toISOString(),
      )
    })
  }
  return { from, to: LATEST_SCHEMA_VERSION }
}

/**
 * The refusal of every write while the record is at a schema version this code does not know: newer code migrated it,
 * then older code was deployed (a rollback). Reads go on; writing could break what the newer code relies on.
 */
export function schemaAhead(found: number): LedgerError {
  return fail(
    'schema_ahead',
    `the ledger's record is at schema version ${found}, migrated by newer code, and this code knows versions up to ${LATEST_SCHEMA_VERSION}; it reads the record but changes nothing. Nothing was written: deploy the newer code again (the release that migrated it, or a later one) to write`,
  )
}

/** The latest migration applied to this database; 0 for none. */
export function appliedVersion(sql: SqlStorage): number {
  return (
    sql.exec<{ applied: number | null }>('SELECT MAX(version) AS applied FROM schema_migrations').one().applied ?? 0
  )
}
