// What the ledger records and answers: plain data, shared by the Worker, the console and the CLI.

export type How = 'publish' | 'rollback' | 'seed' | 'import' | 'external'

export interface LedgerVersion {
  /** The ledger row: unique across every key, in the order rows were written. */
  version: number
  key: string
  target: string
  /** Null when the key was deleted from KV outside the ledger (pages then show the bundled default). */
  text: string | null
  hash: string | null
  /** When the ledger accepted it (or noticed it, for an external edit). */
  at: string
  /** The authenticated editor; for external edits, `outside the ledger`; for imports, `legacy:<name given then>`. */
  by: string
  how: How
  note: string | null
  approvedBy: string | null
  proposalId: number | null
  rollbackOf: number | null
  /** Whether the text passes the rule; only external and imported versions can fail it. */
  valid: boolean
  problem: string | null
  /** When KV first held it; null while pending, or for versions that were never written by the ledger. */
  landedAt: string | null
  /** Its chain hash: where it stands in the record an export holds (src/core/chain.ts). */
  chain: string | null
  /**
   * Its entry in the public log (its chain position less one), known in the transaction that wrote it: what a page
   * naming this version names beside it. Null only for a row read inside its own transaction, before chaining.
   */
  log: number | null
}

/**
 * What pages showed for a disclaimer at a time, as exactly as the record can say it. `version`: the text of `version`;
 * `default`: the bundled default, because `version` had no text pages could show (it breaks the rule, or the key was
 * deleted from KV) or KV held none; `none`: the same for a page note without a bundled default, so the page showed no
 * note; `unknown`: a text the record does not hold (a write of the old store whose text was not kept).
 */
export interface ShownAt {
  shows: 'version' | 'default' | 'none' | 'unknown'
  /** The row the answer rests on: the version live then, or (before the ledger's first look) the first it found. */
  version: LedgerVersion | null
  /** The text pages showed; null for `none` and `unknown`. */
  text: string | null
  /** Why, in a sentence an editor reads. */
  reason: string
}

/** "What was live at": for a time to come, `shows` is what pages show now, and `scheduled` what is set by then. */
export type ShownAtAnswer = ShownAt & { scheduled?: Schedule | null }

/** Open until a second editor decides it, or (for one scheduled for a time) its schedule ends without going live. */
export type ProposalStatus = 'open' | 'approved' | 'rejected' | 'cancelled' | 'expired' | 'superseded'

/** What a proposal and a schedule both are: a text for one disclaimer over a base, sent by an editor at a time. */
export interface Change {
  id: number
  key: string
  target: string
  text: string
  hash: string
  /**
   * The version it replaces (0 when the key had none): a proposal is refused and a schedule does not go live unless
   * this is still what pages show.
   */
  base: number
  by: string
  at: string
  note: string | null
}

export interface Proposal extends Change {
  status: ProposalStatus
  decidedBy: string | null
  decidedAt: string | null
  reason: string | null
  publishedVersion: number | null
  /** When it goes live once approved; null for "as soon as it is approved". */
  effectiveAt: string | null
  scheduleId: number | null
}

/** A text KV holds that the ledger has not recorded yet: written around it (plain wrangler, the dashboard). */
export interface Unrecorded {
  /** Null when the key is missing from KV. */
  text: string | null
  /** The short content hash, as pages show it. */
  hash: string | null
  valid: boolean
  problem: string | null
}

/**
 * What an editor reads before a change: the ledger's current version, what KV holds when that differs (pages show
 * that), and `base`, the token a write names to say "I edited this" (the API's ETag, the console's hidden field).
 */
export interface LiveState {
  target: string
  key: string
  current: LedgerVersion | null
  unrecorded: Unrecorded | null
  /** Changes set to go live later, soonest first. */
  scheduled: Schedule[]
  /** `<version>` for a recorded version, `kv-<sha256>` (or `kv-none`) for what KV holds unrecorded, `none` for nothing. */
  base: string
  pending: PendingWrite | null
}

export interface PendingWrite {
  key: string
  version: number
  attempts: number
  lastError: string | null
  nextAt: string
}

export interface OverviewRow extends LiveState {
  openProposals: number
  hasDefault: boolean
}

export interface HistoryPage {
  versions: LedgerVersion[]
  /** Pass as `before` for the next (older) page; null when this page holds the oldest version. */
  next: number | null
}

/** The one-time import of the pre-ledger history, as recorded. */
export interface ImportRecord {
  at: string
  by: string
  imported: number
  problems: string[]
}

export type LedgerErrorCode =
  | 'unknown_target'
  | 'unknown_editor'
  | 'invalid_text'
  | 'invalid_base'
  | 'version_mismatch'
  | 'approval_required'
  | 'self_approval'
  | 'unknown_proposal'
  | 'proposal_decided'
  | 'already_approved'
  | 'unknown_version'
  | 'never_live'
  | 'invalid_time'
  | 'schedule_conflict'
  | 'unknown_schedule'
  | 'schedule_ended'
  | 'schema_ahead'
  | 'reviewer_required'
  | 'unknown_page'
  | 'words_changed'

export interface LedgerError {
  ok: false
  code: LedgerErrorCode
  message: string
  /** For invalid_text: the field at fault (text, note, reason). */
  field?: string
  /** For version_mismatch: what is current now, so the editor can start again from it. */
  current?: LedgerVersion | null
  /** For schedule_conflict: the change already scheduled for this disclaimer. */
  schedule?: Schedule
}

export type ScheduleOutcome = 'live' | 'superseded' | 'expired' | 'cancelled'

/** A change set to go live at a time: a proposal's (live once approved) or a publish's where approval is off. */
export interface Schedule extends Change {
  /** When it goes live, ISO 8601 in UTC. */
  effectiveAt: string
  proposalId: number | null
  /** Who approved it (for a proposal), once someone has. */
  approvedBy: string | null
  /** `pending` until its time, then how it ended. */
  status: 'pending' | ScheduleOutcome
  endedAt: string | null
  endedBy: string | null
  reason: string | null
  /** The version it became, once live. */
  version: number | null
}

/**
 * `live`: KV holds it; `pending`: accepted and recorded, KV is retried until it holds it; `unchanged`: no-op;
 * `scheduled`: recorded to go live at its time.
 */
export type PublishResult =
  | { ok: true; status: 'live' | 'pending' | 'unchanged'; version: LedgerVersion }
  | { ok: true; status: 'scheduled'; schedule: Schedule }
  | LedgerError
export type ProposalResult = { ok: true; proposal: Proposal } | LedgerError

export interface WriteRequest {
  target: string
  /**
   * What the editor read and edited (LiveState's `base`): the write is refused unless it is still what pages show.
   * A number is a ledger version (0: none yet).
   */
  base: number | string
  by: string
  note?: string
  /** ISO 8601 with an offset: the change goes live then (once approved, where approval is required). */
  effectiveAt?: string
}

/** What the ledger tells people about: each is recorded with the change that caused it. */
export type EventKind =
  | 'proposal_opened'
  | 'proposal_approved'
  | 'proposal_rejected'
  | 'version_live'
  | 'external_edit'
  | 'write_stuck'
  | 'purge_failed'
  | 'import_problems'
  | 'delivery_gave_up'
  | 'witness_refused'
  | 'witness_gave_up'
  | 'schedule_expired'
  | 'schedule_superseded'
  | 'schedule_cancelled'
  | 'review_lapsed'
  | 'review_due_soon'
  | 'review_overdue'

export interface LedgerEvent {
  id: number
  at: string
  kind: EventKind
  key: string | null
  target: string | null
  version: number | null
  proposalId: number | null
  /** Who did what the event reports: an editor, `outside the ledger`, or `the ledger` for its own trouble. */
  actor: string | null
  /** What the message needs beyond the rows it names (attempts, errors, problems found). */
  detail: EventDetail
  deliveries: Delivery[]
}

export type EventDetail = Record<string, string | number | boolean | null | string[]>

export type Channel = 'email' | 'webhook'

export interface Delivery {
  channel: Channel
  /** An email address, or `webhook`. */
  recipient: string
  /** Ours, the same on every attempt (in the X-Disclaimer-Message-Id header), so a receiver recognises a retry. */
  messageId: string
  /** The id Email Service gave the message it sent. */
  providerId: string | null
  /** `gave_up`: still failing long after its event (GIVE_UP_AFTER_MS), it is never tried again. */
  status: 'pending' | 'sent' | 'gave_up'
  attempts: number
  nextAt: string | null
  lastError: string | null
  sentAt: string | null
}

/** What the console's overview warns of: messages given up in the last week, and messages failing now (counts capped). */
export interface DeliveryTrouble {
  gaveUp: { count: number; lastAt: string; lastError: string | null } | null
  failing: { count: number; lastError: string | null } | null
}

/** Every list the ledger serves comes in pages of at most MAX_PAGE rows. */
export const MAX_PAGE = 500
export const DEFAULT_PAGE = 100

export interface Page {
  limit?: number
  /** A `next` from the previous page: rows older than that one. */
  before?: number
}
