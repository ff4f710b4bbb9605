// What the ledger records and answers about pages: the words each page served and when, the reviews of those words,
// and what a page said at a time. Plain data, shared by the Worker, the console and the CLI.
import type { PageWords } from './article/words.ts'
import type { LedgerError, ShownAt } from './ledger-types.ts'

/** A reviewer's attestation, as recorded: "I reviewed this page as it reads now". */
export interface ReviewRecord {
  id: number
  page: string
  /** The content hash of the words reviewed (core/article/page-hash.ts). */
  hash: string
  /** The editor who attested (their EDITORS name, an address for Access editors): not public. */
  reviewer: string
  /** Their name and credentials as EDITORS gave them then, as pages show them. */
  name: string
  credentials: string
  /** The reviewer's note, if any: not public. */
  note: string | null
  at: string
  /** When the review falls due (content/review-rules.json). */
  dueAt: string
}

/**
 * Where a page's review stands: `reviewed` (its words are reviewed, not yet due), `due_soon` (within the reminder),
 * `overdue` (past due: pages still show its true date), `lapsed` (the words changed since the last review) or
 * `never_reviewed`. The last three need a review.
 */
export type ReviewStatus = 'reviewed' | 'due_soon' | 'overdue' | 'lapsed' | 'never_reviewed'

export interface PageReviewState {
  page: string
  /** The content hash of the words the page serves now. */
  hash: string
  /** Since when it has served them, as the ledger recorded (null before the ledger first saw them). */
  servedSince: string | null
  status: ReviewStatus
  /** The latest review of exactly these words. */
  review: ReviewRecord | null
  /** The latest review of any of the page's words: for a lapsed page, the one that no longer holds. */
  lastReview: ReviewRecord | null
}

/** Words a page served, stored once per distinct content. */
export interface PageContentRecord {
  page: string
  hash: string
  words: PageWords
  /** When the ledger first saw a deploy serve these words. */
  firstServedAt: string
  /** The Worker version that first served them (the version metadata binding), where there was one. */
  workerVersion: string | null
}

/** What a page said at a time: its words, the disclaimers it showed, and who had reviewed those words by then. */
export interface PageAt {
  page: string
  /** The time asked about, ISO 8601 UTC. */
  at: string
  /** The words it served then, and since when; null before the ledger first recorded the page's words. */
  content: (PageContentRecord & { servedFrom: string }) | null
  /**
   * Each disclaimer the page shows (global first, then its notes): what pages showed then ("what was live at T"), with
   * `version` the ledger version whose text they showed, null where they showed none.
   */
  disclaimers: ({ target: string } & ShownAt)[]
  /** The latest review of exactly those words made by then. */
  review: ReviewRecord | null
}

/** Which disclaimers only a reviewer may approve, and how often a page's review falls due (content/review-rules.json). */
export interface ReviewRules {
  /** The disclaimers (targets: "global" or a page slug) that go live only with a reviewer's approval. */
  reviewerMustApprove: string[]
  /** A page's review is due again this many calendar months after it was made. */
  reviewDueAfterMonths: number
  /** Reviewers are told this many days before a review falls due, and again on the day. */
  remindDaysBefore: number
}

export type ReviewResult = { ok: true; review: ReviewRecord } | LedgerError
