// Proposals in the console: the list, one proposal with its diff, previews and the changes already scheduled for its
// disclaimer, and a different editor's decision (approving answers with the proposal's page, 303).
import { type Context, Hono } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { keyOf } from '../../../core/keys.ts'
import { ledgerOf } from '../../../core/ledger-address.ts'
import type { LedgerErrorCode, LiveState } from '../../../core/ledger-types.ts'
import { validateDisclaimer } from '../../../core/validate.ts'
import type { ReadDisclaimers } from '../../../site/reader.ts'
import type { ConsoleEnv } from '../../http/console-auth.ts'
import { ProposalList, ProposalView } from '../../views/proposals.tsx'
import type { Making } from '../../views/schedules.tsx'
import { Notice, nothingYet, targetName } from '../../views/shell.tsx'
import { CONSOLE_PREVIEW_QUERY, CONSOLE_PROPOSALS_QUERY, NO_QUERY } from '../schemas.ts'
import { previewPage, previewPath, previewsOf, scheduledFor, zoneOf } from './editing.tsx'
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
    const { proposals } = await ledgerOf(c.env).read('proposals', { status: 'open', target })
    return page(c, 'Proposals waiting for approval', <ProposalList proposals={proposals} zone={zoneOf(c.env)} />)
  })

  async function proposalPage(c: Context<ConsoleEnv>, id: number, error?: string, status?: ContentfulStatusCode) {
    const ledger = ledgerOf(c.env)
    const proposal = await ledger.read('proposal', id)
    if (!proposal) return c.notFound()
    const [base, live, { events }, schedule, version] = await Promise.all([
      proposal.base ? ledger.read('version', proposal.base) : Promise.resolve(null),
      ledger.read('live', proposal.target),
      ledger.read('events', { proposals: [id] }),
      proposal.scheduleId === null ? Promise.resolve(null) : ledger.read('schedule', proposal.scheduleId),
      proposal.publishedVersion === null ? Promise.resolve(null) : ledger.read('version', proposal.publishedVersion),
    ])
    const state = live as LiveState
    const zone = zoneOf(c.env)
    const editor = c.get('editor')
    const pending = schedule?.status === 'pending'
    const making: Making =
      proposal.status !== 'open'
        ? { kind: 'made' }
        : schedule
          ? { kind: 'at', instant: Date.parse(schedule.effectiveAt) }
          : proposal.by === editor
            ? { kind: 'on-approval' }
            : { kind: 'now' }
    return page(
      c,
      `Proposal ${id}: ${targetName(proposal.target)}`,
      <ProposalView
        proposal={proposal}
        base={base ?? nothingYet(keyOf(proposal.target))}
        live={state}
        editor={editor}
        previews={previewsOf(proposal.target)}
        error={error}
        told={events.toReversed()}
        schedule={schedule}
        published={version ? { version, status: version.landedAt ? 'live' : 'pending' } : null}
        scheduled={scheduledFor(state, making, zone, pending ? schedule?.id : undefined)}
        zone={zone}
      />,
      status,
    )
  }

  app.get('/proposals/:id{[0-9]+}', pageQuery(page, NO_QUERY), (c) => proposalPage(c, Number(c.req.param('id'))))

  app.get('/proposals/:id{[0-9]+}/preview', pageQuery(page, CONSOLE_PREVIEW_QUERY), async (c) => {
    const proposal = await ledgerOf(c.env).read('proposal', Number(c.req.param('id')))
    if (!proposal) return c.notFound()
    const checked = validateDisclaimer(proposal.text)
    if (!checked.ok) return c.notFound()
    const shown = previewPath(proposal.target, c.req.valid('query').page)
    if ('problem' in shown) return page(c, 'Not a page of the console', <Notice>{shown.problem}</Notice>, 400)
    return previewPage(c, readDisclaimers, proposal.target, shown.path, checked.paragraphs, {
      of: `proposal ${proposal.id}`,
      back: [{ href: `/console/proposals/${proposal.id}`, label: 'Back to the proposal' }],
    })
  })

  /**
   * Approves, unless a change to the same disclaimer was scheduled after the approver's page was drawn (they must see
   * what approving does to it first); then answers with the proposal's page, which says what the approval did.
   */
  app.post('/proposals/:id{[0-9]+}/approve', async (c) => {
    const id = Number(c.req.param('id'))
    const ledger = ledgerOf(c.env)
    const proposal = await ledger.read('proposal', id)
    if (!proposal) return page(c, 'Not found', <Notice>There is no proposal {id}.</Notice>, 404)
    const seen = String((await c.req.parseBody()).seen ?? '').split(',')
    const live = (await ledger.read('live', proposal.target)) as LiveState
    const unseen = live.scheduled.filter(
      (schedule) => schedule.id !== proposal.scheduleId && !seen.includes(String(schedule.id)),
    )
    if (unseen.length > 0) {
      const problem = `A change to this disclaimer was scheduled after this page was drawn (by ${unseen.map((schedule) => schedule.by).join(', ')}); it is named below with what approving would do to it. Nothing was approved: read it, then decide.`
      return proposalPage(c, id, problem, 409)
    }
    const result = await ledger.approve({ id, by: c.get('editor') })
    if (result.ok) {
      if (result.status === 'live') await readDisclaimers.remember(result.version)
      return c.redirect(`/console/proposals/${id}`, 303)
    }
    if (result.code === 'version_mismatch') {
      return proposalPage(
        c,
        id,
        'The live text changed since this was proposed, so approving it would overwrite that change. It was not approved.',
        409,
      )
    }
    if (result.code === 'unknown_proposal') return page(c, 'Not found', <Notice>{result.message}</Notice>, 404)
    return proposalPage(c, id, result.message, decisionStatus(result.code))
  })

  app.post('/proposals/:id{[0-9]+}/reject', async (c) => {
    const id = Number(c.req.param('id'))
    const { reason } = await c.req.parseBody()
    const result = await ledgerOf(c.env).reject({ id, by: c.get('editor'), reason: String(reason ?? '') })
    if (result.ok) return c.redirect(`/console/proposals/${id}`, 303)
    if (result.code === 'unknown_proposal') return page(c, 'Not found', <Notice>{result.message}</Notice>, 404)
    return proposalPage(c, id, result.message, result.code === 'invalid_text' ? 422 : decisionStatus(result.code))
  })

  return app
}
