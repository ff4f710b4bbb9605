// The ledger's SQLite schema as a numbered, append-only list of migrations (schema.ts applies them). Never edit or
// reorder a migration that has shipped: add the next number; test/ledger/schema.test.ts pins each shipped text.

export interface Migration {
  version: number
  name: string
  sql: string
}

/** A migration, its SQL written after it as a template: migration(13, 'what it adds')`CREATE …`. */
function migration(version: number, name: string) {
  return (strings: TemplateStringsArray, ...values: string[]): Migration => ({
    version,
    name,
    sql: strings.reduce((sql, part, index) => sql + part + (values[index] ?? ''), ''),
  })
}

/** Makes a table refuse UPDATE and DELETE: rows are only ever appended. */
function appendOnly(table: string): string {
  return `
CREATE TRIGGER IF NOT EXISTS ${table}_no_update BEFORE UPDATE ON ${table}
  BEGIN SELECT RAISE(ABORT, 'ledger ${table} are append-only'); END;
CREATE TRIGGER IF NOT EXISTS ${table}_no_delete BEFORE DELETE ON ${table}
  BEGIN SELECT RAISE(ABORT, 'ledger ${table} are append-only'); END;`
}

/** A text put forward against a base version: a proposal's columns, which a schedule's begin with. */
const PROPOSED_TEXT = `id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  text TEXT NOT NULL,
  hash TEXT NOT NULL,
  base INTEGER NOT NULL,
  by TEXT NOT NULL,
  at TEXT NOT NULL,
  note TEXT`

/**
 * The schema as it stood before migrations were numbered (`CREATE … IF NOT EXISTS`, run on every start). Objects
 * made by it already hold these tables, so for them this step only records the number.
 */
const V1 = migration(1, 'versions, landings, proposals, decisions, outbox, purges')`
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
  ${PROPOSED_TEXT}
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
const V2 = migration(2, 'recorded imports, retried purges, session cut-offs')`
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
const V3 = migration(3, 'events and their deliveries')`
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
const V4 = migration(4, 'scheduled changes and their outcomes')`
CREATE TABLE schedules (
  ${PROPOSED_TEXT},
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

/** The backfill that chains the rows from before migration 5 (backfills.ts runs it). */
export const CHAIN_BACKLOG = 'chain the rows from before migration 5'

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
const V5 = migration(5, 'the hash chain over every appended row')`
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

/**
 * Console drafts (drafts.ts): work in progress, not record. Not append-only, not chained; each owned by one editor,
 * bounded in number per editor and in age.
 */
const V6 = migration(6, 'console drafts')`
CREATE TABLE drafts (
  id TEXT PRIMARY KEY,
  editor TEXT NOT NULL,
  target TEXT NOT NULL,
  base TEXT NOT NULL,
  text TEXT NOT NULL,
  note TEXT NOT NULL,
  effective TEXT NOT NULL,
  problem TEXT,
  earlier TEXT,
  outcome TEXT,
  saved_at INTEGER NOT NULL
);
CREATE INDEX drafts_by_editor ON drafts (editor, target, saved_at);
CREATE INDEX drafts_by_age ON drafts (saved_at);
`

/**
 * Work lists kept by triggers, so what runs in nearly every step reads what is open, never the whole history: the
 * schedules still to come, the proposals still open. Deliveries can give up; fresh ones and retried ones are found by
 * indexes of their own. The legacy import keeps its place between cron runs. Long work runs as backfills, a bounded
 * step per alarm: the first is chaining the rows that existed before migration 5, after whatever the ledger appends
 * meanwhile.
 */
const V7 = migration(7, 'work lists kept by triggers, deliveries that give up, backfills')`
CREATE TABLE pending_schedules (schedule_id INTEGER PRIMARY KEY, key TEXT NOT NULL, effective_at TEXT NOT NULL);
CREATE INDEX pending_schedules_due ON pending_schedules (effective_at, schedule_id);
CREATE INDEX pending_schedules_by_key ON pending_schedules (key, effective_at, schedule_id);
INSERT INTO pending_schedules (schedule_id, key, effective_at) SELECT s.id, s.key, s.effective_at FROM schedules s
  WHERE NOT EXISTS (SELECT 1 FROM schedule_outcomes o WHERE o.schedule_id = s.id);
CREATE TABLE open_proposals (proposal_id INTEGER PRIMARY KEY, key TEXT NOT NULL);
CREATE INDEX open_proposals_by_key ON open_proposals (key, proposal_id);
INSERT INTO open_proposals (proposal_id, key) SELECT p.id, p.key FROM proposals p
  WHERE NOT EXISTS (SELECT 1 FROM decisions d WHERE d.proposal_id = p.id)
  AND NOT EXISTS (SELECT 1 FROM schedules s JOIN schedule_outcomes o ON o.schedule_id = s.id
    WHERE s.proposal_id = p.id AND o.outcome <> 'live');
CREATE TRIGGER schedules_pending AFTER INSERT ON schedules
  BEGIN INSERT INTO pending_schedules (schedule_id, key, effective_at) VALUES (NEW.id, NEW.key, NEW.effective_at); END;
CREATE TRIGGER proposals_open AFTER INSERT ON proposals
  BEGIN INSERT INTO open_proposals (proposal_id, key) VALUES (NEW.id, NEW.key); END;
CREATE TRIGGER decisions_close AFTER INSERT ON decisions
  BEGIN DELETE FROM open_proposals WHERE proposal_id = NEW.proposal_id; END;
CREATE TRIGGER schedule_outcomes_end AFTER INSERT ON schedule_outcomes
  BEGIN
    DELETE FROM pending_schedules WHERE schedule_id = NEW.schedule_id;
    DELETE FROM open_proposals WHERE NEW.outcome <> 'live'
      AND proposal_id = (SELECT proposal_id FROM schedules WHERE id = NEW.schedule_id);
  END;
ALTER TABLE deliveries ADD COLUMN gave_up_at TEXT;
CREATE INDEX deliveries_fresh ON deliveries (next_at, id) WHERE status = 'pending' AND attempts = 0;
CREATE INDEX deliveries_retried ON deliveries (next_at, id) WHERE status = 'pending' AND attempts > 0;
CREATE INDEX deliveries_gave_up ON deliveries (gave_up_at) WHERE gave_up_at IS NOT NULL;
CREATE INDEX purge_jobs_due ON purge_jobs (due);
CREATE INDEX events_by_kind ON events (kind, id);
CREATE TABLE import_progress (id INTEGER PRIMARY KEY CHECK (id = 1), key TEXT, state TEXT NOT NULL);
CREATE TABLE backfills (name TEXT PRIMARY KEY, cursor TEXT NOT NULL, steps INTEGER NOT NULL DEFAULT 0, done_at TEXT);
INSERT INTO backfills (name, cursor) SELECT '${CHAIN_BACKLOG}', MAX(id) FROM chain_queue HAVING COUNT(*) > 0;
`

/** The grant each editor's console sessions were last seen under: their token's fingerprint, none once removed. */
const V8 = migration(8, 'session grants, as last seen')`
CREATE TABLE IF NOT EXISTS session_grants (editor TEXT PRIMARY KEY, fingerprint TEXT);
`

/**
 * Reviews of the article's own words (reviews.ts): each attestation appended and chained like every record row; and
 * each page's newest review waiting to reach KV, retried by the alarm like a disclaimer's write.
 */
const V9 = migration(9, 'reviews')`
CREATE TABLE reviews (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  page TEXT NOT NULL,
  hash TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  name TEXT NOT NULL,
  credentials TEXT NOT NULL,
  note TEXT,
  at TEXT NOT NULL,
  due_at TEXT NOT NULL
);
CREATE INDEX reviews_by_page ON reviews (page, id);
CREATE INDEX reviews_by_words ON reviews (page, hash, id);
${appendOnly('reviews')}
CREATE TRIGGER reviews_chained AFTER INSERT ON reviews
  BEGIN INSERT INTO chain_queue (kind, row_id) VALUES ('reviews', NEW.rowid); END;
CREATE TABLE review_writes (
  page TEXT PRIMARY KEY,
  review_id INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  next_at INTEGER NOT NULL
);
CREATE INDEX review_writes_due ON review_writes (next_at);
`

/** The backfill that builds the log's tree over the rows chained before migration 10 (backfills.ts runs it). */
export const LOG_BACKLOG = 'build the log over the rows chained before migration 10'

/**
 * The transparency log (log-tree.ts, log-checkpoints.ts, log-witnesses.ts): the Merkle tree's stored hashes, each
 * leaf's entry and salt, one signed checkpoint per tree size and the witnesses' cosignatures, all append-only; and
 * each witness's job. Rows chained before it join the tree through a backfill, in chain order.
 */
const V10 = migration(10, 'the transparency log: tree, checkpoints, cosignatures, witnesses')`
CREATE TABLE IF NOT EXISTS log_hashes (
  level INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hash BLOB NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;
${appendOnly('log_hashes')}
CREATE TABLE IF NOT EXISTS log_leaves (idx INTEGER PRIMARY KEY, salt BLOB NOT NULL, entry BLOB NOT NULL);
${appendOnly('log_leaves')}
CREATE TABLE IF NOT EXISTS log_checkpoints (size INTEGER PRIMARY KEY, root BLOB NOT NULL, note TEXT NOT NULL, signed_at TEXT NOT NULL);
${appendOnly('log_checkpoints')}
CREATE TABLE IF NOT EXISTS log_cosignatures (
  size INTEGER NOT NULL,
  witness TEXT NOT NULL,
  line TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (size, witness)
);
${appendOnly('log_cosignatures')}
CREATE TABLE IF NOT EXISTS witness_jobs (
  witness TEXT PRIMARY KEY,
  size INTEGER NOT NULL DEFAULT 0,
  due INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  failing_since INTEGER,
  gave_up_at INTEGER,
  alerted_size INTEGER
);
CREATE INDEX IF NOT EXISTS witness_jobs_due ON witness_jobs (due) WHERE due IS NOT NULL;
INSERT OR IGNORE INTO backfills (name, cursor) SELECT '${LOG_BACKLOG}', '0' WHERE EXISTS (SELECT 1 FROM chain);
`

/**
 * What each page said (page-contents.ts): each distinct content of a page stored once (its words and hash), each time
 * a deploy started serving other words on a page, both chained; and the reminders a review falls due, as alarm jobs.
 */
const V11 = migration(11, 'page contents, servings and review reminders')`
CREATE TABLE page_contents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  page TEXT NOT NULL,
  hash TEXT NOT NULL,
  words TEXT NOT NULL,
  at TEXT NOT NULL,
  worker_version TEXT,
  UNIQUE (page, hash)
);
${appendOnly('page_contents')}
CREATE TABLE page_servings (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  page TEXT NOT NULL,
  hash TEXT NOT NULL,
  at TEXT NOT NULL,
  worker_version TEXT
);
CREATE INDEX page_servings_by_page ON page_servings (page, id);
CREATE INDEX page_servings_by_time ON page_servings (page, at, id);
${appendOnly('page_servings')}
${['page_contents', 'page_servings']
  .map(
    (table) => `CREATE TRIGGER ${table}_chained AFTER INSERT ON ${table}
  BEGIN INSERT INTO chain_queue (kind, row_id) VALUES ('${table}', NEW.rowid); END;`,
  )
  .join('\n')}
CREATE TABLE review_reminders (
  review_id INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('review_due_soon', 'review_overdue')),
  due INTEGER NOT NULL,
  PRIMARY KEY (review_id, kind)
);
CREATE INDEX review_reminders_due ON review_reminders (due);
`

/** Rejected proposals found by index, newest first, however many proposals were decided otherwise (queries.ts). */
const V12 = migration(12, 'decisions by kind')`
CREATE INDEX decisions_by_decision ON decisions (decision, proposal_id);
`

export const MIGRATIONS: readonly Migration[] = [V1, V2, V3, V4, V5, V6, V7, V8, V9, V10, V11, V12]

export const LATEST_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0
