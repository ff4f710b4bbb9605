// Every read of the ledger, by name: the Durable Object answers `read(name, ...args)` from this table, and the
// Worker's callers take each read's arguments and answer from it. None of them writes anything.

import { exportText } from '../core/chain.ts'
import { DEFAULT_DISCLAIMERS } from '../core/defaults.ts'
import { targetOf } from '../core/keys.ts'
import type { LedgerVersion, OverviewRow, Page, ProposalStatus, ShownAtAnswer } from '../core/ledger-types.ts'
import { approvalRequired } from '../core/settings.ts'
import { sitePage, TARGET_KEYS } from '../core/site-map.ts'
import { exportPage, head } from './chaining.ts'
import type { LedgerContext } from './context.ts'
import { deliveryTrouble } from './deliveries.ts'
import { draft, openDraft } from './drafts.ts'
import { events } from './events.ts'
import { importRecord } from './legacy-import.ts'
import { logFile } from './log-files.ts'
import { pageAt } from './page-contents.ts'
import * as queries from './queries.ts'
import { liveState, type Observation, observe } from './reconcile.ts'
import { knownKeyOf } from './requests.ts'
import { needsAReviewer, whoCanApprove } from './reviewer-rule.ts'
import { reviewState, reviewStates, reviewsOf } from './reviews.ts'
import { schedule, scheduledBy, schedules } from './schedules.ts'
import { goLiveProblem } from './scheduling.ts'
import { shownAt } from './shown-at.ts'

/** A time a caller sent, as the ISO 8601 the record keeps; null for one that does not parse (never thrown: over RPC
 * a throw reaches the caller as an opaque error, so callers check times first and a read answers null). */
function isoOf(at: string): string | null {
  return Number.isNaN(Date.parse(at)) ? null : new Date(at).toISOString()
}

/**
 * What is set to go live for a target by `at` (a time to come): the soonest of its pending schedules due by then
 * that may still go live (approved in time, if it is a proposal); null when none.
 */
function scheduledAt(ledger: LedgerContext, target: string, at: string) {
  const by = isoOf(at)
  if (by === null) return null
  const due = scheduledBy(ledger.sql, knownKeyOf(target) ?? '', by)
  return due.find((entry) => goLiveProblem(ledger, entry) === undefined) ?? null
}

export const READS = {
  /** Only REQUIRE_APPROVAL = "false" turns the two-person rule off: a mistyped value keeps it on (core/settings.ts). */
  requiresApproval: (ledger: LedgerContext) => approvalRequired(ledger.env.REQUIRE_APPROVAL),

  /**
   * Why `editor` can only propose a change to `target`, in the words the console's review page says it (the two-person
   * rule, or the reviewer rule and who can approve); null where they may publish it themselves.
   */
  proposeOnly: (ledger: LedgerContext, target: string, editor: string) => {
    if (approvalRequired(ledger.env.REQUIRE_APPROVAL))
      return 'Here a second editor must approve every change before it goes live.'
    const key = knownKeyOf(target)
    if (!key || !needsAReviewer(ledger, key, editor)) return null
    return `This disclaimer goes live only with a reviewer's approval, and you are not a reviewer: ${whoCanApprove(ledger.env)}.`
  },

  /** What an editor reads before a change: the record, and what KV holds where that differs. */
  live: async (ledger: LedgerContext, target: string) => {
    const key = knownKeyOf(target)
    if (!key) return null
    const [observation] = await observe(ledger.kv, [key], ledger.now(), ledger.env.LEDGER_SECRET)
    return liveState(ledger.sql, observation as Observation)
  },

  /** Every target's live state, with its open proposals: the console's overview and the API's list. */
  overview: async (ledger: LedgerContext): Promise<OverviewRow[]> => {
    const observations = await observe(ledger.kv, TARGET_KEYS, ledger.now(), ledger.env.LEDGER_SECRET)
    const open = queries.openProposalCounts(ledger.sql)
    return observations.map((observation) => ({
      ...liveState(ledger.sql, observation),
      openProposals: open.get(observation.key) ?? 0,
      hasDefault: DEFAULT_DISCLAIMERS.has(observation.key),
    }))
  },

  current: (ledger: LedgerContext, target: string) => queries.current(ledger.sql, knownKeyOf(target) ?? ''),
  history: (ledger: LedgerContext, target: string, page: Page = {}) =>
    queries.history(ledger.sql, knownKeyOf(target) ?? '', page),
  versionAt: (ledger: LedgerContext, target: string, at: string): LedgerVersion | null => {
    const iso = isoOf(at)
    return iso === null ? null : queries.versionAt(ledger.sql, knownKeyOf(target) ?? '', iso)
  },
  version: (ledger: LedgerContext, seq: number) => queries.version(ledger.sql, seq),
  audit: (ledger: LedgerContext, page: Page = {}) => queries.audit(ledger.sql, page),
  proposals: (ledger: LedgerContext, filter: { status?: ProposalStatus; target?: string } & Page = {}) => {
    const key = filter.target === undefined ? undefined : (knownKeyOf(filter.target) ?? '')
    return queries.proposals(ledger.sql, { ...filter, key })
  },
  proposal: (ledger: LedgerContext, id: number) => queries.proposal(ledger.sql, id),
  /**
   * How many proposals wait for a decision, per target, and how many of those another editor than `editor` made (the
   * ones `editor` may decide). Read from the list of open proposals: its cost is theirs, never the history's.
   */
  openProposalCount: (ledger: LedgerContext, editor: string) => {
    const targets = ledger.sql
      .exec<{ key: string; open: number; byOthers: number }>(
        `SELECT o.key, COUNT(*) AS open, SUM(p.by <> ?) AS byOthers FROM open_proposals o
         JOIN proposals p ON p.id = o.proposal_id GROUP BY o.key ORDER BY o.key`,
        editor,
      )
      .toArray()
      .map(({ key, open, byOthers }) => ({ target: targetOf(key), open, byOthers }))
    const sum = (field: 'open' | 'byOthers') => targets.reduce((total, row) => total + row[field], 0)
    return { open: sum('open'), byOthers: sum('byOthers'), targets }
  },
  /** Keys whose newest version KV does not hold yet. */
  pending: (ledger: LedgerContext) => queries.pending(ledger.sql),
  importRecord: (ledger: LedgerContext) => importRecord(ledger.sql),

  schedule: (ledger: LedgerContext, id: number) => schedule(ledger.sql, id),
  /** Scheduled changes, newest first, a page at a time. */
  schedules: (ledger: LedgerContext, page: Page = {}) => schedules(ledger.sql, page),
  scheduledAt,
  /**
   * What pages showed at `at` (shown-at.ts); for a time after `now` (the caller's clock), what they show now and what
   * is scheduled to show by then. Null for a target or a time it cannot read.
   */
  shownAt: (ledger: LedgerContext, target: string, at: string, now: number): ShownAtAnswer | null => {
    const key = knownKeyOf(target)
    const iso = isoOf(at)
    if (!key || iso === null || Number.isNaN(now)) return null
    if (!(Date.parse(at) > now)) return shownAt(ledger.sql, key, iso)
    return { ...shownAt(ledger.sql, key, new Date(now).toISOString()), scheduled: scheduledAt(ledger, target, at) }
  },

  /** The record in chain order, a page at a time, for an export that verifies offline; with the head now. */
  exportPage: (ledger: LedgerContext, page: { after?: number; limit?: number } = {}) => exportPage(ledger.sql, page),
  /** The same page as an export's lines (core/chain.ts), for the console's download. */
  exportText: (ledger: LedgerContext, page: { after?: number; limit?: number } = {}) =>
    exportText(exportPage(ledger.sql, page)),
  /** The chain's last row now: what a message carries as its checkpoint. */
  head: (ledger: LedgerContext) => head(ledger.sql),
  /** Events and who was told of each, newest first, a page at a time; optionally only those about some rows. */
  events: (ledger: LedgerContext, filter: Page & { versions?: number[]; proposals?: number[] } = {}) =>
    events(ledger.sql, filter),
  /** What is wrong with sending messages, for the console's overview: given up, or failing still. */
  deliveryTrouble: (ledger: LedgerContext) => deliveryTrouble(ledger.sql, ledger.now()),

  /** An editor's console draft (drafts.ts): work in progress, never record; each read only by its editor. */
  draft: (ledger: LedgerContext, editor: string, id: string) => draft(ledger.sql, editor, id, ledger.now()),
  openDraft: (ledger: LedgerContext, editor: string, target: string) =>
    openDraft(ledger.sql, editor, target, ledger.now()),

  /** Where each page's review stands now, and the rules. */
  reviewStates: (ledger: LedgerContext) => ({
    pages: reviewStates(ledger, ledger.now()),
    rules: ledger.reviewRules,
  }),
  /** Where one page's review stands, and its reviews, newest first; null for a page the site does not have. */
  pageReviews: (ledger: LedgerContext, page: string, paging?: Page) => {
    const found = sitePage(page)
    if (!found) return null
    return { state: reviewState(ledger, found, ledger.now()), ...reviewsOf(ledger.sql, page, paging) }
  },
  /** What a page said at a time: its words, its disclaimers, who had reviewed those words; null for no such page. */
  pageAt: (ledger: LedgerContext, page: string, at: string) => {
    const found = sitePage(page)
    const iso = isoOf(at)
    return found && iso !== null ? pageAt(ledger.sql, found, iso) : null
  },
  /** A file of the public log (log-files.ts), for the Worker to serve under /log/. */
  logFile: (ledger: LedgerContext, path: string) => logFile(ledger.sql, ledger.env, path),
}

export type Reads = typeof READS
export type ReadName = keyof Reads
/** What a read takes after the ledger itself. */
export type ReadArgs<N extends ReadName> = Reads[N] extends (ledger: LedgerContext, ...args: infer A) => unknown
  ? A
  : never
/** What a read answers, once any promise is settled: what the object's stub answers for it. */
export type ReadResult<N extends ReadName> = Awaited<ReturnType<Reads[N]>>
