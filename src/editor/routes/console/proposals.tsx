// Proposals in the console: the list, one proposal with its diff and previews, and a different editor's decision.
import { type Context, Hono } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ledgerOf } from '../../../core/ledger-address.ts'
import type { LedgerErrorCode, LiveState } from '../../../core/ledger-types.ts'
import { validateDisclaimer } from '../../../core/validate.ts'
import type { ReadDisclaimers } from '../../../site/reader.ts'
import type { ConsoleEnv } from '../../http/console-auth.ts'
import { ProposalList, ProposalView } from '../../views/proposals.tsx'
import { Notice } from '../../views/shell.tsx'
import { CONSOLE_PREVIEW_QUERY, CONSOLE_PROPOSALS_QUERY, NO_QUERY } from '../schemas.ts'
import { outcome, previewPage, previewsOf, zoneOf } from './editing.tsx'
import { pageQuery, type RenderPage } from './page.tsx'

/**
 * A decision that came too late (decided already, by a reload or by someone else meanwhile; its schedule ended) is a
 * conflict, 409; the ledger down on an older code than the record's, 503; anything else refused, 403.
 */
function decisionStatus(code: LedgerErrorCode): ContentfulStatusCode {
  if (code === 'already_approved' || code === 'proposal_decided' || code === 'schedule_ended') return 409
  return code === 'schema_ahead' ? 503 : 403
}

export function proposalRoutes(readDisclaimers: ReadDisclaimers, page: RenderPage) {
  const app = new Hono<ConsoleEnv>()

  app.get('/proposals', pageQuery(page, CONSOLE_PROPOSALS_QUERY), async (c) => {
    const { target } = c.req.valid('query')
    const { proposals } = await ledgerOf(c.env).proposals({ status: 'open', target })
    return page(c, 'Proposals waiting for approval', <ProposalList proposals={proposals} />)
  })

  async function proposalPage(c: Context<ConsoleEnv>, id: number, error?: string, status?: ContentfulStatusCode) {
    const ledger = ledgerOf(c.env)
    const proposal = await ledger.proposal(id)
    if (!proposal) return c.notFound()
    const [base, live, { events }, schedule] = await Promise.all([
      proposal.base ? ledger.version(proposal.base) : Promise.resolve(null),
      ledger.live(proposal.target),
      ledger.events({ proposals: [id] }),
      proposal.scheduleId === null ? Promise.resolve(null) : ledger.schedule(proposal.scheduleId),
    ])
    return page(
      c,
      `Proposal ${id}`,
      <ProposalView
        proposal={proposal}
        base={base}
        live={live as LiveState}
        editor={c.get('editor')}
        previews={previewsOf(proposal.target)}
        error={error}
        told={events.toReversed()}
        schedule={schedule}
        zone={zoneOf(c.env)}
      />,
      status,
    )
  }

  app.get('/proposals/:id{[0-9]+}', pageQuery(page, NO_QUERY), (c) => proposalPage(c, Number(c.req.param('id'))))

  app.get('/proposals/:id{[0-9]+}/preview', pageQuery(page, CONSOLE_PREVIEW_QUERY), async (c) => {
    const proposal = await ledgerOf(c.env).proposal(Number(c.req.param('id')))
    if (!proposal) return c.notFound()
    const checked = validateDisclaimer(proposal.text)
    if (!checked.ok) return c.notFound()
    const back = `/console/proposals/${proposal.id}`
    const shows = previewsOf(proposal.target).map((preview) => preview.path)
    const path = c.req.valid('query').page ?? (shows[0] as string)
    if (!shows.includes(path)) {
      const problem = `page: ${path} does not show this disclaimer; preview one of ${shows.join(', ')}`
      return page(c, 'Not a page of the console', <Notice>{problem}</Notice>, 400)
    }
    return previewPage(c, readDisclaimers, proposal.target, path, checked.paragraphs, back)
  })

  app.post('/proposals/:id{[0-9]+}/approve', async (c) => {
    const id = Number(c.req.param('id'))
    const result = await ledgerOf(c.env).approve({ id, by: c.get('editor') })
    return outcome(c, page, readDisclaimers, result, async (error) => {
      if (error.code === 'version_mismatch') {
        return proposalPage(
          c,
          id,
          'The live text changed since this was proposed, so approving it would overwrite that change. It was not approved.',
          409,
        )
      }
      if (error.code === 'unknown_proposal') return page(c, 'Not found', <Notice>{error.message}</Notice>, 404)
      return proposalPage(c, id, error.message, decisionStatus(error.code))
    })
  })

  app.post('/proposals/:id{[0-9]+}/reject', async (c) => {
    const id = Number(c.req.param('id'))
    const { reason } = await c.req.parseBody()
    const result = await ledgerOf(c.env).reject({ id, by: c.get('editor'), reason: String(reason ?? '') })
    if (result.ok) return proposalPage(c, id)
    if (result.code === 'unknown_proposal') return page(c, 'Not found', <Notice>{result.message}</Notice>, 404)
    return proposalPage(c, id, result.message, result.code === 'invalid_text' ? 422 : decisionStatus(result.code))
  })

  return app
}
