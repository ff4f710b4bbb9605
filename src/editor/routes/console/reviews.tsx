// Reviews of the article's words in the console: where each page stands, and a page's reviews with the attestation
// form, which only a reviewer is given and only a reviewer can send.
import { Hono } from 'hono'
import { editorsFrom, type Reviewer } from '../../../core/editors.ts'
import { ledgerOf } from '../../../core/ledger-address.ts'
import { sitePage } from '../../../core/site-map.ts'
import { LEDGER_EDIT_BOUND_MINUTES } from '../../../core/staleness.ts'
import type { ConsoleEnv } from '../../http/console-auth.ts'
import { PageReviewDetail, pageLabel, ReviewRecorded, ReviewsOverview } from '../../views/reviews.tsx'
import { CONSOLE_PAGE_QUERY, NO_QUERY } from '../schemas.ts'
import { zoneOf } from './editing.tsx'
import { pageQuery, type RenderPage } from './page.tsx'

function reviewersOf(env: Env): Reviewer[] {
  const config = editorsFrom(env.EDITORS)
  return config.ok ? [...config.editors.reviewers.values()] : []
}

const STATUS: Record<string, 403 | 404 | 409 | 422 | 503> = {
  reviewer_required: 403,
  unknown_editor: 403,
  unknown_page: 404,
  words_changed: 409,
  invalid_text: 422,
  schema_ahead: 503,
}

export function reviewRoutes(page: RenderPage) {
  const app = new Hono<ConsoleEnv>()

  app.get('/reviews', pageQuery(page, NO_QUERY), async (c) => {
    const reviewers = reviewersOf(c.env)
    const { pages, rules } = await ledgerOf(c.env).read('reviewStates')
    const isReviewer = reviewers.some((reviewer) => reviewer.editor === c.get('editor'))
    return page(
      c,
      'Reviews',
      <ReviewsOverview
        pages={pages}
        rules={rules}
        reviewers={reviewers}
        isReviewer={isReviewer}
        zone={zoneOf(c.env)}
      />,
    )
  })

  app.use('/reviews/:page', async (c, next) => (sitePage(c.req.param('page') ?? '') ? next() : c.notFound()))

  /** A page's review: where it stands, its reviews a page at a time, and (for a reviewer) the attestation form. */
  async function detail(
    c: Parameters<RenderPage>[0],
    options: {
      error?: string
      refusal?: string
      note?: string
      status?: 403 | 404 | 409 | 422 | 503
      before?: number
    } = {},
  ) {
    const slug = c.req.param('page') as string
    const reviewers = reviewersOf(c.env)
    const found = await ledgerOf(c.env).read('pageReviews', slug, { before: options.before })
    if (!found) return c.notFound()
    return page(
      c,
      `Review of ${pageLabel(slug)}`,
      <PageReviewDetail
        state={found.state}
        reviews={found.reviews}
        path={sitePage(slug)?.path as string}
        reviewers={reviewers}
        isReviewer={reviewers.some((reviewer) => reviewer.editor === c.get('editor'))}
        zone={zoneOf(c.env)}
        error={options.error}
        refusal={options.refusal}
        note={options.note}
      />,
      options.status,
    )
  }

  app.get('/reviews/:page', pageQuery(page, CONSOLE_PAGE_QUERY), (c) => detail(c, c.req.valid('query')))

  app.post('/reviews/:page', async (c) => {
    const form = await c.req.parseBody()
    const note = String(form.note ?? '')
    const result = await ledgerOf(c.env).attest({
      page: c.req.param('page'),
      hash: String(form.hash ?? ''),
      note,
      by: c.get('editor'),
    })
    if (result.ok) {
      return page(
        c,
        `Review recorded: ${pageLabel(result.review.page)}`,
        <ReviewRecorded review={result.review} boundMinutes={LEDGER_EDIT_BOUND_MINUTES} zone={zoneOf(c.env)} />,
      )
    }
    const said = result.code === 'invalid_text' ? { error: result.message } : { refusal: result.message }
    return detail(c, { ...said, note, status: STATUS[result.code] ?? 403 })
  })

  return app
}
