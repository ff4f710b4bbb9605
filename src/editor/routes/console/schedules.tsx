// Cancelling a scheduled change in the console, behind a confirmation that asks for the reason.
import { Hono } from 'hono'
import { ledgerOf } from '../../../core/ledger-address.ts'
import type { ConsoleEnv } from '../../http/console-auth.ts'
import { CancelConfirm, Cancelled } from '../../views/schedules.tsx'
import { Notice } from '../../views/shell.tsx'
import { NO_QUERY } from '../schemas.ts'
import { zoneOf } from './editing.tsx'
import { pageQuery, type RenderPage } from './page.tsx'

export function scheduleRoutes(page: RenderPage) {
  const app = new Hono<ConsoleEnv>()

  app.get('/schedules/:id{[0-9]+}/cancel', pageQuery(page, NO_QUERY), async (c) => {
    const schedule = await ledgerOf(c.env).read('schedule', Number(c.req.param('id')))
    if (!schedule) return c.notFound()
    if (schedule.status !== 'pending') {
      return page(c, 'Already ended', <Notice>This schedule has already ended: {schedule.status}.</Notice>, 409)
    }
    return page(c, 'Cancel this scheduled change?', <CancelConfirm schedule={schedule} zone={zoneOf(c.env)} />)
  })

  app.post('/schedules/:id{[0-9]+}/cancel', async (c) => {
    const id = Number(c.req.param('id'))
    const { reason } = await c.req.parseBody()
    const result = await ledgerOf(c.env).cancel({ id, by: c.get('editor'), reason: String(reason ?? '') })
    if (result.ok) return page(c, 'Cancelled', <Cancelled schedule={result.schedule} zone={zoneOf(c.env)} />)
    if (result.code === 'unknown_schedule') return c.notFound()
    if (result.code === 'invalid_text') {
      const schedule = await ledgerOf(c.env).read('schedule', id)
      if (schedule) {
        const form = <CancelConfirm schedule={schedule} zone={zoneOf(c.env)} error={result.message} />
        return page(c, 'Cancel this scheduled change?', form, 422)
      }
    }
    return page(c, 'Not done', <Notice>{result.message}</Notice>, result.code === 'schema_ahead' ? 503 : 409)
  })

  return app
}
