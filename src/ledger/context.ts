// What the ledger's parts share of it: its storage, its seams, the two steps every change ends with (telling people,
// setting the alarm), and how a failed job backs off. The Ledger is the one implementation; the parts take it as
// this interface.
import type { LedgerError, LedgerErrorCode, LedgerEvent } from '../core/ledger-types.ts'
import type { ReviewRules } from '../core/review-rules.ts'
import type { NewEvent } from './events.ts'

export interface LedgerContext {
  readonly sql: SqlStorage
  /** Runs `work` as one SQLite transaction (all or nothing). */
  transact<T>(work: () => T): T
  now(): number
  kv: LedgerKV
  edge: EdgeCache
  notifier: Notifier
  env: Env
  /** Which disclaimers a reviewer must approve, and when reviews fall due (content/review-rules.json). */
  reviewRules: ReviewRules
  /**
   * Records an event and its deliveries in the caller's step, and sets the alarm that sends them; `named` are the
   * editors a decision concerns (events.ts).
   */
  tell(event: NewEvent, now: number, named?: readonly string[]): void
  /** Sets the alarm for the earliest job waiting; called in the step that adds a job. */
  arm(): void
  /** Sends a request to one of the log's witnesses. */
  witnessFetch(request: Request): Promise<Response>
}

/** How long to wait after `failed` failed attempts: that entry of `delays`, the last repeating once they run out. */
export function retryDelay(delays: readonly number[], failed: number): number {
  return delays[Math.min(failed, delays.length - 1)] as number
}

/** Who the ledger's own trouble (a stuck write, a failing purge, the import's problems) is reported as. */
export const THE_LEDGER = 'the ledger'

/** The slice of KV the ledger reads and writes through; tests hand in one that fails. */
export type LedgerKV = Pick<KVNamespace, 'get' | 'put' | 'list' | 'getWithMetadata'>

/** Cloudflare's cache in front of the Worker; the default entrypoint purges it (purges are scoped per entrypoint). */
export interface EdgeCache {
  purge(tags: string[]): Promise<void>
}

/** One message on its way out, by email or to the webhook. */
export interface Outgoing {
  channel: 'email' | 'webhook'
  /** An email address, or `webhook`. */
  to: string
  from: string
  subject: string
  text: string
  /** `<…@sender's domain>`, the same on every attempt, so a receiver recognises a retry. */
  messageId: string
  event: LedgerEvent
}

/**
 * Sends one message; throws when the email service or the webhook refuses it (it is then retried). Answers the id
 * the email service gave the message, when there is one.
 */
export interface Notifier {
  send(message: Outgoing): Promise<string | undefined>
}

/** A refusal the caller can show: its code, and a message that says what to do. */
export function fail(code: LedgerErrorCode, message: string, extra: Partial<LedgerError> = {}): LedgerError {
  return { ok: false, code, message, ...extra }
}
