import type { LedgerError, Proposal, PublishResult, Schedule } from '../core/ledger-types.ts'
import { approvalRequired } from '../core/settings.ts'
import { siteZone } from '../core/time.ts'
import { validateField } from '../core/validate.ts'
import { insertDecision } from './append.ts'
import { commit, recordThenCheck } from './commit.ts'
import { fail, type LedgerContext, THE_LEDGER } from './context.ts'
import { observe } from './reconcile.ts'
import { isEditor, recordWrite, type TextWrite, unknownEditor } from './requests.ts'
import { goLiveReviewerProblem } from './reviewer-rule.ts'
import { conflictOf, dueSchedules, endSchedule, insertSchedule, schedule as scheduleById } from './schedules.ts'
import type { WriteThrough } from './write-through.ts'

function ended(found: Schedule): LedgerError {
  return fail(
    'schedule_ended',
    `schedule ${found.id} (for ${found.effectiveAt}) has ended: ${found.status}${found.reason ? ` (${found.reason})` : ''}`,
  )
}

/** A publish set for later (where approval is off): recorded now against what pages show, live at its time. */
export const schedulePublish: TextWrite<PublishResult> = (ledger, through, request) =>
  recordWrite<PublishResult>(ledger, through, request, (write) => {
    const { when, now } = write
    if (when === undefined)
      return { result: { ...fail('invalid_time', 'effectiveAt: missing'), external: null }, purge: undefined }
    const { external, current, stale } = recordThenCheck(ledger.sql, write)
    const purge = through.purgeLater(external, now)
    const problem = stale ?? conflictOf(ledger.sql, write.key, siteZone(ledger.env.SITE_TIME_ZONE))
    if (problem) return { result: { ...problem, external }, purge }
    const base = current?.version ?? 0
    const schedule = insertSchedule(ledger.sql, { ...write, base, effectiveAt: when, proposalId: null })
    ledger.arm()
    return { result: { ok: true as const, status: 'scheduled' as const, schedule, external }, purge }
  })

/**
 * A second editor's approval of a proposal scheduled for later: recorded now, live at its time. Refused once the
 * schedule has ended, and when its time has passed, which expires it: it never goes live late.
 */
export function approveScheduled(
  ledger: LedgerContext,
  proposal: Proposal,
  by: string,
  note: string | null,
): PublishResult {
  const now = ledger.now()
  return ledger.transact(() => {
    const found = scheduleById(ledger.sql, proposal.scheduleId as number) as Schedule
    if (found.status !== 'pending') return ended(found)
    if (Date.parse(found.effectiveAt) <= now) {
      expire(ledger, found, now)
      return ended(scheduleById(ledger.sql, found.id) as Schedule)
    }
    const at = new Date(now).toISOString()
    insertDecision(ledger.sql, {
      proposalId: proposal.id,
      decision: 'approved',
      by,
      at,
      reason: note,
      publishedSeq: null,
    })
    const detail = { effectiveAt: found.effectiveAt, note }
    const event = { kind: 'proposal_approved' as const, key: proposal.key, proposalId: proposal.id, actor: by, detail }
    ledger.tell(event, now, [proposal.by])
    return { ok: true, status: 'scheduled', schedule: scheduleById(ledger.sql, found.id) as Schedule }
  })
}

/** Cancels a schedule before its time, with the editor's reason; every other editor is told. */
export function cancelSchedule(
  ledger: LedgerContext,
  { id, by, reason: given }: { id: number; by: string; reason: string },
): { ok: true; schedule: Schedule } | LedgerError {
  if (!isEditor(ledger.env, by)) return unknownEditor(by)
  const checked = validateField(given, 'reason', { required: true })
  if (!checked.ok) return fail('invalid_text', checked.reason, { field: 'reason' })
  const reason = checked.value
  const now = ledger.now()
  return ledger.transact((): { ok: true; schedule: Schedule } | LedgerError => {
    const found = scheduleById(ledger.sql, id)
    if (!found) return fail('unknown_schedule', `there is no schedule ${id}; list the scheduled changes to see them`)
    if (found.status !== 'pending') return ended(found)
    const cancelled = endSchedule(ledger.sql, id, { outcome: 'cancelled', by, reason, now })
    const detail = { scheduleId: id, effectiveAt: found.effectiveAt, reason }
    ledger.tell({ kind: 'schedule_cancelled', key: found.key, proposalId: found.proposalId, actor: by, detail }, now)
    return { ok: true, schedule: cancelled }
  })
}

/**
 * Why a due schedule may not go live now, though its time has come: the two-person rule holds at go-live as at
 * approval. A publish scheduled while approval was off has no second editor's approval; whoever made or approved
 * the change must still be an editor, as for an approval made at once; and where the reviewer rule names the
 * disclaimer, its approver (a publish's maker) must be a reviewer now.
 */
export function goLiveProblem(ledger: Pick<LedgerContext, 'env' | 'reviewRules'>, due: Schedule): string | undefined {
  if (due.proposalId === null && approvalRequired(ledger.env.REQUIRE_APPROVAL)) {
    return 'approval is now required, and no second editor approved this change; propose it to make it live'
  }
  if (!isEditor(ledger.env, due.by)) return `${due.by}, who made this change, is no longer an editor`
  if (due.approvedBy !== null && !isEditor(ledger.env, due.approvedBy)) {
    return `${due.approvedBy}, who approved this change, is no longer an editor; it needs another editor's approval`
  }
  return goLiveReviewerProblem(ledger, due.key, due.approvedBy ?? due.by)
}

/** Ends a due schedule that may not go live, as cancelled by the ledger with the reason; every editor is told. */
function stopAtGoLive(ledger: LedgerContext, due: Schedule, reason: string, now: number): void {
  // Another alarm may have ended it meanwhile.
  if ((scheduleById(ledger.sql, due.id) as Schedule).status !== 'pending') return
  endSchedule(ledger.sql, due.id, { outcome: 'cancelled', by: THE_LEDGER, reason, now })
  const detail = { scheduleId: due.id, effectiveAt: due.effectiveAt, reason }
  ledger.tell({ kind: 'schedule_cancelled', key: due.key, proposalId: due.proposalId, actor: THE_LEDGER, detail }, now)
}

/** Records that a proposal's schedule expired unapproved, and tells its proposer. */
function expire(ledger: LedgerContext, found: Schedule, now: number): void {
  const reason = 'not approved by its time'
  endSchedule(ledger.sql, found.id, { outcome: 'expired', by: THE_LEDGER, reason, now })
  const detail = { scheduleId: found.id, effectiveAt: found.effectiveAt }
  const event = { kind: 'schedule_expired' as const, key: found.key, proposalId: found.proposalId, actor: THE_LEDGER }
  ledger.tell({ ...event, detail }, now, [found.by])
}

/** At most this many schedules go live (or end) per alarm, so one alarm stays short; the rest are due at once after. */
export const SCHEDULES_PER_ALARM = 10

/**
 * Makes each due schedule live, through the commit a publish uses (its base must still be what pages show), or
 * records why not. Each goes live or ends in one step, which reads the schedule again: one cancelled, rejected or run
 * meanwhile (while this waited on KV for another) is left as it ended. Its KV write and purges follow as any
 * publish's do. A schedule that fails (KV cannot be read) is logged and left pending, and the others still run.
 */
export async function runDueSchedules(ledger: LedgerContext, through: WriteThrough): Promise<void> {
  const failures: unknown[] = []
  for (const id of dueSchedules(ledger.sql, ledger.now(), SCHEDULES_PER_ALARM)) {
    try {
      await runSchedule(ledger, through, id)
    } catch (error) {
      failures.push(error)
      console.error('ledger: a scheduled change could not be run; it is tried again', { schedule: id, error })
    }
  }
  if (failures.length > 0) throw new Error(`${failures.length} scheduled change(s) could not be run`)
}

function pendingSchedule(ledger: LedgerContext, id: number): Schedule | undefined {
  const found = scheduleById(ledger.sql, id)
  return found?.status === 'pending' ? found : undefined
}

async function runSchedule(ledger: LedgerContext, through: WriteThrough, id: number): Promise<void> {
  const due = pendingSchedule(ledger, id)
  if (!due) return
  if (due.proposalId !== null && due.approvedBy === null) {
    ledger.transact(() => {
      const still = pendingSchedule(ledger, id)
      if (still && still.approvedBy === null) expire(ledger, still, ledger.now())
    })
    return
  }
  const problem = goLiveProblem(ledger, due)
  if (problem) {
    ledger.transact(() => {
      const still = pendingSchedule(ledger, id)
      if (still) stopAtGoLive(ledger, still, problem, ledger.now())
    })
    return
  }
  const [observation] = await observe(ledger.kv, [due.key], ledger.now(), ledger.env.LEDGER_SECRET)
  const now = ledger.now()
  const { result, purge } = ledger.transact(() => {
    // Cancelled, rejected or run by another alarm while the KV read was on its way: nothing left to do.
    if (!pendingSchedule(ledger, id)) return { result: undefined, purge: undefined }
    const committed = commit(ledger.sql, {
      observation: observation as NonNullable<typeof observation>,
      key: due.key,
      text: due.text,
      hash: due.hash,
      base: { version: due.base },
      by: due.by,
      how: 'publish',
      note: due.note,
      approval:
        due.proposalId === null
          ? undefined
          : { proposalId: due.proposalId, by: due.approvedBy as string, note: null, decided: true },
      now,
    })
    const purge = through.purgeLater(committed.external, now)
    if (committed.ok) {
      endSchedule(ledger.sql, due.id, { outcome: 'live', by: THE_LEDGER, version: committed.version.version, now })
    } else {
      // Said in the record's words: what pages show now, which the schedule was not written against.
      const shown = committed.current
      const reason = shown
        ? `the text is now v${shown.version}, ${shown.how === 'external' ? 'changed outside the ledger' : `by ${shown.by} (${shown.how})`}`
        : 'the text is no longer there'
      endSchedule(ledger.sql, due.id, { outcome: 'superseded', by: THE_LEDGER, reason, now })
      const detail = { scheduleId: due.id, effectiveAt: due.effectiveAt, reason }
      const event = { kind: 'schedule_superseded' as const, key: due.key, proposalId: due.proposalId }
      const told = [due.by, ...(due.approvedBy ? [due.approvedBy] : [])]
      ledger.tell({ ...event, version: due.base, actor: THE_LEDGER, detail }, now, told)
    }
    ledger.arm()
    return { result: committed, purge }
  })
  if (!result) return
  await through.afterRecording([result.external], [purge])
  if (result.ok && result.status === 'accepted') await through.flush(due.key)
}
