// The operators' part of the admin API, signed in like the rest: what is wrong with the settings, each cron's work
// run by hand, the copies of the record in R2, and point-in-time recovery of the ledger's storage
// (docs/operations.md).
import { type Context, Hono } from 'hono'
import * as v from 'valibot'
import { BACKUP_RETENTION_DAYS, backUpLedger, listBackups } from '../../core/backups.ts'
import { ledgerOf } from '../../core/ledger-address.ts'
import { logSettingsProblems, settingsProblems } from '../../core/settings.ts'
import { INSTANT_EXAMPLE, parseInstant } from '../../core/time.ts'
import { validateField } from '../../core/validate.ts'
import { errorJson } from '../../site/http/errors.ts'
import type { EditorEnv } from '../http/editor-auth.ts'
import { jsonBody, NO_QUERY, queryOf, TIME_QUERY } from './schemas.ts'

/** How far back SQLite-backed Durable Objects keep their storage's history. */
export const RECOVERY_WINDOW_DAYS = 30
/** What workerd says locally for every call into a storage history it does not keep (ledger/recovery.ts). */
const NO_HISTORY = 'does not implement point-in-time recovery'
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/

export const RECOVERY_BODY = v.strictObject(
  {
    time: v.optional(v.string('time: expected an ISO 8601 date and time with its offset')),
    bookmark: v.optional(
      v.pipe(v.string(), v.regex(BOOKMARK, 'bookmark: expected a bookmark as /admin/recovery gives it')),
    ),
    reason: v.string('reason: expected a string saying why'),
  },
  (issue) => {
    if (issue.expected === 'never')
      return `${String(issue.input)}: unknown field; allowed: time or bookmark, and reason`
    if (issue.expected?.startsWith('"')) {
      return `${issue.expected.slice(1, -1)}: missing; the body has time (or bookmark) and reason`
    }
    return 'body: expected a JSON object with time (or bookmark) and reason'
  },
)

/** Why `time` cannot be restored to, if it cannot: it must be a moment of the last RECOVERY_WINDOW_DAYS days. */
function recoveryTimeProblem(time: string, now: number): string | undefined {
  const instant = parseInstant(time)
  if (instant === undefined) return `time: expected an ISO 8601 date and time with its offset, e.g. ${INSTANT_EXAMPLE}`
  if (instant > now) return `time: ${time} has not happened yet; give a moment in the past`
  if (instant < now - RECOVERY_WINDOW_DAYS * 86_400_000) {
    return `time: ${time} is more than ${RECOVERY_WINDOW_DAYS} days ago, past what the storage keeps; the copies in R2 go back ${BACKUP_RETENTION_DAYS} days (GET /admin/backups)`
  }
  return undefined
}

function unsupported(c: Context, error: unknown) {
  if (!(error instanceof Error && error.message.includes(NO_HISTORY))) throw error
  return errorJson(
    c,
    501,
    'recovery_unsupported',
    "point-in-time recovery is not available here: this runtime's storage keeps no history (local workerd never " +
      'does); it works on Cloudflare, in staging and production. Nothing was changed',
  )
}

export function operationsRoutes() {
  const app = new Hono<EditorEnv>()

  /** Every problem with the settings this Worker runs with, and its fix; none when `problems` is empty. */
  app.get('/settings', queryOf(NO_QUERY), (c) => {
    const problems = settingsProblems(c.env)
    logSettingsProblems(problems)
    return c.json({ problems })
  })

  /**
   * What the every-minute cron does, now: records the edits made around the ledger. Never the one-time import of the
   * pre-ledger history, which only the cron runs: until it has, this is a 409.
   */
  app.post('/reconcile', queryOf(NO_QUERY), jsonBody(v.strictObject({})), async (c) => {
    const ledger = ledgerOf(c.env)
    if (!(await ledger.read('importRecord'))) {
      return errorJson(
        c,
        409,
        'import_pending',
        'the cron has not run yet, and its first run imports the pre-ledger history, which no request may do; wait a minute and try again (GET /admin/import says when it has run)',
      )
    }
    const recorded = await ledger.reconcile()
    return c.json({ recorded })
  })

  app.get('/backups', queryOf(NO_QUERY), async (c) => {
    if (!c.env.BACKUPS) return errorJson(c, 503, 'no_backups', 'there is no BACKUPS R2 binding in this environment')
    return c.json({ retentionDays: BACKUP_RETENTION_DAYS, backups: await listBackups(c.env.BACKUPS) })
  })

  /** A copy of the record now, as the daily cron makes it (old copies past their time are deleted after). */
  app.post('/backups', queryOf(NO_QUERY), jsonBody(v.strictObject({})), async (c) => {
    if (!c.env.BACKUPS) return errorJson(c, 503, 'no_backups', 'there is no BACKUPS R2 binding in this environment')
    const { backup, deleted } = await backUpLedger(c.env)
    console.log('copied the record to BACKUPS', { ...backup, by: c.get('editor') })
    return c.json({ backup, deleted }, 201)
  })

  /** What a restore to `time` would go back to, and the bookmark of now (to undo it with). Changes nothing. */
  app.get('/recovery', queryOf(TIME_QUERY), async (c) => {
    const { time } = c.req.valid('query')
    const problem = recoveryTimeProblem(time, Date.now())
    if (problem) return errorJson(c, 422, 'invalid_time', problem)
    try {
      return c.json({ time, ...(await ledgerOf(c.env).recoveryPoint(time)) })
    } catch (error) {
      return unsupported(c, error)
    }
  })

  /**
   * Restores the ledger's storage to a moment (or a bookmark): first a copy of the record as it stands goes to R2
   * (what the restore removes stays readable there), then the object restarts at the bookmark. KV is not restored:
   * the next cron run records what KV holds that the restored record does not.
   */
  app.post('/recovery', queryOf(NO_QUERY), jsonBody(RECOVERY_BODY), async (c) => {
    const body = c.req.valid('json')
    const reason = validateField(body.reason, 'reason', { required: true })
    if (!reason.ok) return errorJson(c, 400, 'invalid_body', reason.reason)
    if ((body.time === undefined) === (body.bookmark === undefined)) {
      return errorJson(c, 400, 'invalid_body', 'give either time (a moment to go back to) or bookmark, not both')
    }
    const problem = body.time === undefined ? undefined : recoveryTimeProblem(body.time, Date.now())
    if (problem) return errorJson(c, 422, 'invalid_time', problem)
    if (!c.env.BACKUPS) {
      return errorJson(
        c,
        503,
        'no_backups',
        'a restore first copies the record to BACKUPS, and there is no BACKUPS binding',
      )
    }
    const ledger = ledgerOf(c.env)
    let bookmark = body.bookmark as string
    try {
      if (body.time !== undefined) ({ bookmark } = await ledger.recoveryPoint(body.time))
    } catch (error) {
      return unsupported(c, error)
    }
    const { backup: copy } = await backUpLedger(c.env, { label: 'pre-restore' })
    let undo: string
    try {
      ;({ undo } = await ledger.restoreOnNextStart(bookmark))
    } catch (error) {
      return unsupported(c, error)
    }
    const by = c.get('editor')
    console.warn('ledger: restoring its storage to an earlier point', {
      bookmark,
      time: body.time,
      undo,
      copy: copy.key,
      by,
      reason: reason.value,
    })
    // The restart itself fails the call that asks for it; the next call starts the object again, restored.
    await ledger.restart(`restoring to ${bookmark} for ${by}`).catch(() => {})
    const head = await ledgerOf(c.env).read('head')
    return c.json({ restoredTo: bookmark, time: body.time ?? null, undo, copy, head })
  })

  return app
}
