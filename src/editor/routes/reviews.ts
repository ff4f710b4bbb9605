// The admin API's reviews of the article's words: where each page's review stands, a page's reviews, and a
// reviewer's attestation of the words a page serves now (docs/editing.md#reviewing).
import { Hono } from 'hono'
import { editorsFrom } from '../../core/editors.ts'
import { ledgerOf } from '../../core/ledger-address.ts'
import { SITE_PAGES, sitePage } from '../../core/site-map.ts'
import { errorJson } from '../../site/http/errors.ts'
import type { EditorEnv } from '../http/editor-auth.ts'
import { ledgerError } from './ledger-errors.ts'
import { jsonBody, NO_QUERY, PAGE_QUERY, queryOf, REVIEW_BODY, TIME_QUERY } from './schemas.ts'

const PAGES = SITE_PAGES.map((page) => page.slug).join(', ')

export function reviewRoutes() {
  const app = new Hono<EditorEnv>()

  app.use('/reviews/:page', async (c, next) => {
    const page = c.req.param('page')
    return sitePage(page) ? next() : errorJson(c, 404, 'unknown_page', `no page "${page}"; use one of: ${PAGES}`)
  })

  app.get('/reviews', queryOf(NO_QUERY), async (c) => {
    const config = editorsFrom(c.env.EDITORS)
    const reviewers = config.ok ? [...config.editors.reviewers.values()] : []
    return c.json({ ...(await ledgerOf(c.env).read('reviewStates')), reviewers })
  })

  app.get('/reviews/:page', queryOf(PAGE_QUERY), async (c) =>
    c.json(await ledgerOf(c.env).read('pageReviews', c.req.param('page'), c.req.valid('query'))),
  )

  /** What a page said at a time: its words, the disclaimers it showed, who had reviewed those words by then. */
  app.get('/pages/:page/at', queryOf(TIME_QUERY), async (c) => {
    const page = c.req.param('page')
    if (!sitePage(page)) return errorJson(c, 404, 'unknown_page', `no page "${page}"; use one of: ${PAGES}`)
    return c.json(await ledgerOf(c.env).read('pageAt', page, new Date(c.req.valid('query').time).toISOString()))
  })

  app.post('/reviews/:page', queryOf(NO_QUERY), jsonBody(REVIEW_BODY), async (c) => {
    const { hash, note } = c.req.valid('json')
    const result = await ledgerOf(c.env).attest({ page: c.req.param('page'), hash, note, by: c.get('editor') })
    return result.ok ? c.json(result, 201) : ledgerError(c, result)
  })

  return app
}
