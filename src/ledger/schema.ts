// The ledger's SQLite schema as a numbered, append-only list of migrations, and the step that applies them.
// Never edit or reorder a migration that has shipped: add the next number. Every object runs `migrate` on start.

export interface Migration {
  version: number
  name: string
  sql: string
}

/** Makes a table refuse UPDATE and DELETE: rows are only ever appended. */
function appendOnly(table: string): string {
  return `
CREATE TRIGGER IF NOT EXISTS ${table}_no_update BEFORE UPDATE ON ${table}
  BEGIN SELECT RAISE(ABORT, 'ledger ${table} are append-only'); END;
CREATE TRIGGER IF NOT EXISTS ${table}_no_delete BEFORE DELETE ON ${table}
  BEGIN SELECT RAISE(ABORT, 'ledger ${table} are append-only'); END;`
}

/**
 * The schema as it stood before migrations were numbered (`CREATE … IF NOT EXISTS`, run on every start). Objects
 * made by it already hold these tables, so for them this step only records the number.
 */
const V1_SCHEMA = `
CREATE TABLE IF NOT EXISTS versions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  text TEXT,
  hash TEXT,
  at TEXT NOT NULL,
  by TEXT NOT NULL,
  how TEXT NOT NULL CHECK (how IN ('publish', 'rollback', 'seed', 'import', 'external')),
  note TEXT,
  approved_by TEXT,
  proposal_id INTEGER,
  rollback_of INTEGER,
  valid INTEGER NOT NULL,
  problem TEXT,
  import_id TEXT UNIQUE
);
CREATE INDEX IF NOT EXISTS versions_by_key ON versions (key, at, seq);
${appendOnly('versions')}
CREATE TABLE IF NOT EXISTS landings (seq INTEGER PRIMARY KEY, at TEXT NOT NULL);
${appendOnly('landings')}
CREATE TABLE IF NOT EXISTS proposals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  text TEXT NOT NULL,
  hash TEXT NOT NULL,
  base INTEGER NOT NULL,
  by TEXT NOT NULL,
  at TEXT NOT NULL,
  note TEXT
);
${appendOnly('proposals')}
CREATE TABLE IF NOT EXISTS decisions (
  proposal_id INTEGER PRIMARY KEY,
  decision TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
  by TEXT NOT NULL,
  at TEXT NOT NULL,
  reason TEXT,
  published_seq INTEGER
);
${appendOnly('decisions')}
CREATE TABLE IF NOT EXISTS outbox (
  key TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  next_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS purges (id INTEGER PRIMARY KEY AUTOINCREMENT, tags TEXT NOT NULL, due INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
`

/**
 * The legacy import becomes a recorded, one-time event; purges are retried like KV writes; signing out ends a
 * console session server-side.
 */
const V2_IMPORTS_PURGES_SESSIONS = `
CREATE TABLE imports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  by TEXT NOT NULL,
  imported INTEGER NOT NULL,
  problems TEXT NOT NULL
);
${appendOnly('imports')}
INSERT INTO imports (at, by, imported, problems)
  SELECT value, 'the ledger, before imports were recorded', (SELECT COUNT(*) FROM versions WHERE how = 'import'), '[]'
  FROM settings WHERE name = 'legacy_imported_at';
CREATE TABLE purge_jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tags TEXT NOT NULL,
  due INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);
INSERT INTO purge_jobs (tags, due) SELECT tags, due FROM purges ORDER BY id;
DROP TABLE purges;
DROP TABLE settings;
CREATE TABLE session_cutoffs (editor TEXT PRIMARY KEY, not_before INTEGER NOT NULL);
`

/**
 * Notifications: an append-only event per thing people are told of, recorded with the change itself, and a
 * delivery per recipient that the alarm works through. The outbox remembers since when a key has waited for KV.
 */
const V3_EVENTS = `
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  key TEXT,
  version_seq INTEGER,
  proposal_id INTEGER,
  actor TEXT,
  detail TEXT NOT NULL
);
CREATE INDEX events_by_version ON events (version_seq);
CREATE INDEX events_by_proposal ON events (proposal_id);
${appendOnly('events')}
CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id INTEGER NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
  recipient TEXT NOT NULL,
  message_id TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER,
  last_error TEXT,
  sent_at TEXT,
  provider_id TEXT,
  UNIQUE (event_id, channel, recipient)
);
CREATE INDEX deliveries_due ON deliveries (status, next_at);
CREATE INDEX deliveries_by_event ON deliveries (event_id);
ALTER TABLE outbox ADD COLUMN queued_at INTEGER;
ALTER TABLE outbox ADD COLUMN alerted INTEGER NOT NULL DEFAULT 0;
UPDATE outbox SET queued_at = next_at;
`

/**
 * Scheduled changes: a text (proposed, or published where approval is off) that goes live at a set time, and how
 * each schedule ended: live, superseded, expired or cancelled.
 */
const V4_SCHEDULES = `
CREATE TABLE schedules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  text TEXT NOT NULL,
  hash TEXT NOT NULL,
  base INTEGER NOT NULL,
  by TEXT NOT NULL,
  at TEXT NOT NULL,
  note TEXT,
  effective_at TEXT NOT NULL,
  proposal_id INTEGER UNIQUE
);
CREATE INDEX schedules_by_key ON schedules (key, effective_at);
${appendOnly('schedules')}
CREATE TABLE schedule_outcomes (
  schedule_id INTEGER PRIMARY KEY,
  outcome TEXT NOT NULL CHECK (outcome IN ('live', 'superseded', 'expired', 'cancelled')),
  at TEXT NOT NULL,
  by TEXT NOT NULL,
  reason TEXT,
  version_seq INTEGER
);
${appendOnly('schedule_outcomes')}
CREATE INDEX versions_by_proposal ON versions (proposal_id);
`

/** The tables whose appended rows are chained (src/core/chain.ts), with the column each row is stamped by. */
const CHAINED: [table: string, id: string, at: string][] = [
  ['versions', 'seq', 'at'],
  ['landings', 'seq', 'at'],
  ['proposals', 'id', 'at'],
  ['decisions', 'proposal_id', 'at'],
  ['imports', 'id', 'at'],
  ['events', 'id', 'at'],
  ['schedules', 'id', 'at'],
  ['schedule_outcomes', 'schedule_id', 'at'],
]

/**
 * The hash chain: every row appended to the record queues itself (a trigger, so no code path can skip it), and the
 * ledger chains the queue at the end of the same transaction. Rows already there are queued once, in the order of
 * their recorded times (a table's own order breaking ties), and chained when the object starts.
 */
const V5_CHAIN = `
CREATE TABLE chain (
  pos INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  row_id INTEGER NOT NULL,
  hash TEXT NOT NULL,
  UNIQUE (kind, row_id)
);
${appendOnly('chain')}
CREATE TABLE chain_queue (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, row_id INTEGER NOT NULL);
${CHAINED.map(
  ([table]) => `CREATE TRIGGER ${table}_chained AFTER INSERT ON ${table}
  BEGIN INSERT INTO chain_queue (kind, row_id) VALUES ('${table}', NEW.rowid); END;`,
).join('\n')}
CREATE TABLE chain_backfill (kind TEXT NOT NULL, row_id INTEGER NOT NULL, at TEXT NOT NULL, rank INTEGER NOT NULL);
${CHAINED.map(([table, id, at], rank) => `INSERT INTO chain_backfill SELECT '${table}', ${id}, ${at}, ${rank} FROM ${table};`).join('\n')}
INSERT INTO chain_queue (kind, row_id) SELECT kind, row_id FROM chain_backfill ORDER BY at, rank, row_id;
DROP TABLE chain_backfill;
`

/** The grant each editor's console sessions were last seen under: their token's fingerprint, none once removed. */
const V6_SESSION_GRANTS = `
CREATE TABLE IF NOT EXISTS session_grants (editor TEXT PRIMARY KEY, fingerprint TEXT);
`

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'versions, landings, proposals, decisions, outbox, purges', sql: V1_SCHEMA },
  { version: 2, name: 'recorded imports, retried purges, session cut-offs', sql: V2_IMPORTS_PURGES_SESSIONS },
  { version: 3, name: 'events and their deliveries', sql: V3_EVENTS },
  { version: 4, name: 'scheduled changes and their outcomes', sql: V4_SCHEDULES },
  { version: 5, name: 'the hash chain over every appended row', sql: V5_CHAIN },
  { version: 6, name: 'session grants, as last seen', sql: V6_SESSION_GRANTS },
]

export const LATEST_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0

/**
 * Brings the database to the latest schema: each migration not yet applied runs once, in order, and is recorded
 * with the time it ran. Run inside one transaction by the caller, so a failing migration changes nothing.
 */
export function migrate(sql: SqlStorage, now = new Date()): { from: number; to: number } {
  sql.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  )
  const from =
    sql.exec<{ applied: number | null }>('SELECT MAX(version) AS applied FROM schema_migrations').one().applied ?? 0
  for (const migration of MIGRATIONS) {
    if (migration.version <= from) continue
    sql.exec(migration.sql)
    sql.exec(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
      migration.version,
      migration.name,
      now.toISOString(),
    )
  }
  return { from, to: LATEST_SCHEMA_VERSION }
}
