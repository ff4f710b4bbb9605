// A disclaimer's history in the console: every version a page at a time, what was live at a time, and rollback
// behind a confirmation step.
import { Hono } from 'hono'
import { ledgerOf } from '../../../core/ledger-address.ts'
import type { LiveState } from '../../../core/ledger-types.ts'
import { LEDGER_EDIT_BOUND_MINUTES } from '../../../core/staleness.ts'
import { wallTimeIn } from '../../../core/time.ts'
import { validateField } from '../../../core/validate.ts'
import type { ReadDisclaimers } from '../../../site/reader.ts'
import type { ConsoleEnv } from '../../http/console-auth.ts'
import { Published } from '../../views/editing.tsx'
import { History, RollbackConfirm } from '../../views/history.tsx'
import { editedOf, Notice, targetName } from '../../views/shell.tsx'
import { CONSOLE_HISTORY_QUERY, NO_QUERY } from '../schemas.ts'
import { scheduledFor, zoneOf } from './editing.tsx'
import { CONSOLE_PAGE, pageQuery, type RenderPage } from './page.tsx'

export function historyRoutes(readDisclaimers: ReadDisclaimers, page: RenderPage) {
  const app = new Hono<ConsoleEnv>()

  app.get('/disclaimers/:target/history', pageQuery(page, CONSOLE_HISTORY_QUERY), async (c) => {
    const target = c.req.param('target')
    const ledger = ledgerOf(c.env)
    const { at: wall, before } = c.req.valid('query')
    const zone = zoneOf(c.env)
    // The time is typed in the site's zone: one that does not exist there, or exists twice, is refused, not guessed.
    const read = wall ? wallTimeIn(wall, zone) : undefined
    const title = `History of ${targetName(target)}`
    if (read && !read.ok) return page(c, title, <Notice>{read.reason}</Notice>, 400)
    const instant = read?.ok ? read.instant : undefined
    const [history, current, shown] = await Promise.all([
      ledger.read('history', target, { before, limit: CONSOLE_PAGE }),
      ledger.read('current', target),
      instant === undefined ? undefined : ledger.read('shownAt', target, new Date(instant).toISOString(), Date.now()),
    ])
    const versions = history.versions.map((row) => row.version)
    const { events } = await ledger.read('events', { versions, limit: 500 })
    const told = Map.groupBy(events.toReversed(), (event) => event.version as number)
    return page(
      c,
      title,
      <History
        target={target}
        page={history}
        older={before !== undefined}
        currentVersion={current?.version}
        at={wall && instant !== undefined && shown ? { wall, instant, ...shown } : undefined}
        told={told}
        zone={zone}
      />,
    )
  })

  app.get('/disclaimers/:target/rollback/:version{[0-9]+}', pageQuery(page, NO_QUERY), async (c) => {
    const target = c.req.param('target')
    const ledger = ledgerOf(c.env)
    const [live, version] = await Promise.all([
      ledger.read('live', target),
      ledger.read('version', Number(c.req.param('version'))),
    ])
    if (!live || !version || version.target !== target) return c.notFound()
    return page(
      c,
      `Roll back ${targetName(target)} to v${version.version}?`,
      <RollbackConfirm
        target={target}
        current={editedOf(live, zoneOf(c.env))}
        base={live.base}
        version={version}
        zone={zoneOf(c.env)}
      />,
    )
  })

  app.post('/disclaimers/:target/rollback/:version{[0-9]+}', async (c) => {
    const target = c.req.param('target')
    const body = await c.req.parseBody()
    const note = validateField(String(body.note ?? ''), 'note')
    if (!note.ok) return page(c, 'Not done', <Notice>{note.reason}</Notice>, 422)
    const result = await ledgerOf(c.env).rollback({
      target,
      to: Number(c.req.param('version')),
      base: String(body.base ?? 'none'),
      note: note.value,
      by: c.get('editor'),
    })
    // A rollback is never scheduled: it takes effect at once.
    if (result.ok && result.status !== 'scheduled') {
      if (result.status === 'live') await readDisclaimers.remember(result.version)
      const zone = zoneOf(c.env)
      const live = (await ledgerOf(c.env).read('live', target)) as LiveState
      return page(
        c,
        `Rolled back: ${targetName(target)}`,
        <Published
          version={result.version}
          status={result.status}
          boundMinutes={LEDGER_EDIT_BOUND_MINUTES}
          scheduled={scheduledFor(live, { kind: 'made' }, zone)}
        />,
      )
    }
    if (!result.ok) {
      if (result.code === 'version_mismatch' || result.code === 'invalid_base') {
        const live = (await ledgerOf(c.env).read('live', target)) as LiveState
        return page(
          c,
          'Someone changed it',
          <Notice>
            The disclaimer changed since you asked to roll back: it is now {editedOf(live, zoneOf(c.env)).name}. Nothing
            was written; look at the history again.
          </Notice>,
          409,
        )
      }
      const status =
        result.code === 'unknown_version'
          ? 404
          : result.code === 'never_live'
            ? 422
            : result.code === 'schema_ahead'
              ? 503
              : 403
      return page(c, 'Not done', <Notice>{result.message}</Notice>, status)
    }
    return c.notFound()
  })

  return app
}
