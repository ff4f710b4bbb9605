// Reviews of the article's words in the console: where each page stands, and a page's reviews with the attestation
// form, which only a reviewer is given and only a reviewer can send.
import { Hono } from 'hono'
import { editorsFrom, type Reviewer } from '../../../core/editors.ts'
import { contentHash, keyOf } from '../../../core/keys.ts'
import { ledgerOf } from '../../../core/ledger-address.ts'
import type { PageAt } from '../../../core/review-types.ts'
import { sitePage } from '../../../core/site-map.ts'
import { LEDGER_EDIT_BOUND_MINUTES } from '../../../core/staleness.ts'
import { dateInZone, inZone, wallTimeIn } from '../../../core/time.ts'
import { validateDisclaimer } from '../../../core/validate.ts'
import type { Disclaimer, PageDisclaimers } from '../../../site/reader.ts'
import { SITE_VIEWS, toHtml } from '../../../site/routes/pages.tsx'
import { CONSOLE_STYLES } from '../../../site/views/styles.ts'
import type { ConsoleEnv } from '../../http/console-auth.ts'
import {
  AsOfBanner,
  PageAtForm,
  PageReviewDetail,
  pageLabel,
  ReviewRecorded,
  ReviewsOverview,
} from '../../views/reviews.tsx'
import { Notice } from '../../views/shell.tsx'
import { CONSOLE_AT_QUERY, CONSOLE_PAGE_QUERY, NO_QUERY } from '../schemas.ts'
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

/** Each disclaimer as the page showed it then: a version's text, the bundled default, no note, or what is not known. */
async function disclaimersAt(at: PageAt): Promise<PageDisclaimers> {
  const shown = new Map<string, Disclaimer>()
  for (const { target, shows, version, text, reason } of at.disclaimers) {
    if (shows === 'none') continue
    const checked = text === null ? undefined : validateDisclaimer(text)
    const paragraphs = checked?.ok ? checked.paragraphs : [`What this showed then is not known: ${reason}.`]
    shown.set(target, {
      key: keyOf(target),
      source: shows === 'version' ? 'kv' : 'default',
      paragraphs,
      hash: await contentHash(paragraphs.join('\n\n')),
      version: version ? `v${version.version}` : shows,
    })
  }
  const { global, ...rest } = Object.fromEntries(shown)
  const pages = new Map(Object.entries(rest))
  const source = [...shown.values()].every((disclaimer) => disclaimer.source === 'kv') ? 'kv' : 'default'
  return { global: global as Disclaimer, pages, source }
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

  /** The page as it read at a time (the record's words, disclaimers and review), marked "as of"; without one, the form. */
  app.get('/reviews/:page/at', pageQuery(page, CONSOLE_AT_QUERY), async (c) => {
    const slug = c.req.param('page')
    const view = SITE_VIEWS.find((entry) => entry.slug === slug)
    if (!view) return c.notFound()
    const zone = zoneOf(c.env)
    const wall = c.req.valid('query').at ?? ''
    const title = `${pageLabel(slug)} as it read at a time`
    // The time is typed in the site's zone: one that does not exist there, or exists twice, is refused, not guessed.
    const read = wall ? wallTimeIn(wall, zone) : undefined
    if (!read) return page(c, title, <PageAtForm page={slug} zone={zone} />)
    if (!read.ok) {
      return page(
        c,
        title,
        <>
          <Notice>{read.reason}</Notice>
          <PageAtForm page={slug} zone={zone} wall={wall} />
        </>,
        400,
      )
    }
    const at = (await ledgerOf(c.env).read('pageAt', slug, new Date(read.instant).toISOString())) as PageAt
    if (!at.content) {
      return page(
        c,
        title,
        <>
          <Notice>
            The record holds no words of {pageLabel(slug)} by {inZone(read.instant, zone)}: the ledger records a page’s
            words when a deploy first serves them (the every-minute cron).
          </Notice>
          <PageAtForm page={slug} zone={zone} wall={wall} />
        </>,
      )
    }
    // What pages show of a review: never the reviewer's editor name or note.
    const review = at.review && {
      page: slug,
      hash: at.review.hash,
      name: at.review.name,
      credentials: at.review.credentials,
      at: at.review.at,
      date: dateInZone(Date.parse(at.review.at), zone),
    }
    const html = await toHtml(
      view.view({
        origin: undefined,
        disclaimers: await disclaimersAt(at),
        review: review ?? undefined,
        content: { words: at.content.words, hash: at.content.hash },
        banner: <AsOfBanner at={at} zone={zone} />,
        extraStyles: CONSOLE_STYLES,
      }),
    )
    return c.html(html)
  })

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
