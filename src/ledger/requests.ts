// What an editor asks the ledger for, checked before anything is read or written: the target, the editor, the
// base, the text and note by the one rule, and when a scheduled change is to go live; then what writing it needs.

import { editorsFrom } from '../core/editors.ts'
import { contentHash, targetOf } from '../core/keys.ts'
import type { LedgerError, LedgerVersion, WriteRequest } from '../core/ledger-types.ts'
import { TARGET_KEYS } from '../core/site-map.ts'
import { INSTANT_EXAMPLE, parseInstant, scheduleProblem } from '../core/time.ts'
import { printable, validateDisclaimer, validateField } from '../core/validate.ts'
import { type ParsedBase, parseBase } from './commit.ts'
import { fail, type LedgerContext } from './context.ts'
import { type Observation, observe } from './reconcile.ts'
import type { WriteThrough } from './write-through.ts'

/** The KV key of a target this site has (keys.ts names any target); undefined for one it does not. */
export function knownKeyOf(target: string): string | undefined {
  return TARGET_KEYS.find((key) => targetOf(key) === target)
}

export function isEditor(env: Pick<Env, 'EDITORS'>, name: string): boolean {
  const config = editorsFrom(env.EDITORS)
  return config.ok && config.editors.names.has(name)
}

export function unknownEditor(name: string): LedgerError {
  return fail('unknown_editor', `"${printable(name)}" is not one of the editors named in EDITORS`)
}

export interface CheckedWrite {
  ok: true
  key: string
  base: ParsedBase
  text: string
  by: string
  note: string | null
}

export function checkWrite(
  env: Pick<Env, 'EDITORS'>,
  request: WriteRequest & { text: string },
): CheckedWrite | LedgerError {
  const key = knownKeyOf(request.target)
  if (!key) return fail('unknown_target', `there is no disclaimer "${printable(request.target)}"`)
  if (!isEditor(env, request.by)) return unknownEditor(request.by)
  const base = parseBase(request.base)
  if (!base) {
    return fail(
      'invalid_base',
      `"${printable(String(request.base))}" does not name a version; send the base (ETag) you read, e.g. "12"`,
    )
  }
  const text = validateDisclaimer(request.text)
  if (!text.ok) return fail('invalid_text', text.reason, { field: 'text' })
  const note = validateField(request.note ?? '', 'note')
  if (!note.ok) return fail('invalid_text', note.reason, { field: 'note' })
  return { ok: true, key, base, text: text.text, by: request.by, note: note.value || null }
}

/** The instant a request's `effectiveAt` names, or why it cannot be used; undefined for "as soon as possible". */
export function whenOf(effectiveAt: string | undefined, now: number): number | LedgerError | undefined {
  if (effectiveAt === undefined) return undefined
  const instant = parseInstant(effectiveAt)
  if (instant === undefined) {
    return fail(
      'invalid_time',
      `effectiveAt: "${printable(effectiveAt)}" is not an ISO 8601 date and time with its offset, e.g. ${INSTANT_EXAMPLE}`,
    )
  }
  const problem = scheduleProblem(instant, now)
  return problem ? fail('invalid_time', `effectiveAt: ${problem}`) : instant
}

export interface PreparedWrite extends CheckedWrite {
  /** When it goes live: undefined for as soon as possible. */
  when: number | undefined
  hash: string
  /** What KV held for the key, read before the step that records the write. */
  observation: Observation
  now: number
}

/** Checks a write that may go live at a set time, then hashes its text and reads its key from KV. */
export async function prepareWrite(
  ledger: LedgerContext,
  request: WriteRequest & { text: string },
): Promise<PreparedWrite | LedgerError> {
  const checked = checkWrite(ledger.env, request)
  if (!checked.ok) return checked
  const when = whenOf(request.effectiveAt, ledger.now())
  if (typeof when === 'object') return when
  const hash = await contentHash(checked.text)
  const [observation] = (await observe(ledger.kv, [checked.key], ledger.now(), ledger.env.LEDGER_SECRET)) as [
    Observation,
  ]
  return { ...checked, when, hash, observation, now: ledger.now() }
}

/** An operation that writes a text: a publish, a proposal, a schedule. */
export type TextWrite<Answer> = (
  ledger: LedgerContext,
  through: WriteThrough,
  request: WriteRequest & { text: string },
) => Promise<Answer>

/**
 * Prepares a write, then records it in one transaction (`record` answers, with any edit made around the ledger that it
 * recorded first and the purge that edit needs); that edit then lands and its pages are purged, and the answer is
 * given without it.
 */
export async function recordWrite<Answer extends { ok: boolean }>(
  ledger: LedgerContext,
  through: WriteThrough,
  request: WriteRequest & { text: string },
  record: (write: PreparedWrite) => { result: Answer & { external?: LedgerVersion | null }; purge: number | undefined },
): Promise<Answer | LedgerError> {
  const write = await prepareWrite(ledger, request)
  if (!write.ok) return write
  const { result, purge } = ledger.transact(() => record(write))
  await through.afterRecording([result.external], [purge])
  const { external: _, ...answer } = result
  return answer as unknown as Answer
}
