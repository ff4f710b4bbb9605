import type { Child } from 'hono/jsx'
import { FULL_ARTICLE, HOME, PAGES } from '../../core/article/index.ts'
import type { PageReview } from '../../core/reviews.ts'
import type { PageDisclaimers } from '../reader.ts'
import { DisclaimerNote } from './disclaimer-note.tsx'
import { STYLES } from './styles.ts'

export const SITE_NAME = HOME.title

export interface PageMeta {
  path: string
  title: string
  heading: string
  description: string
  /** When the page's words last changed, as the content says (YYYY-MM-DD). */
  dateModified: string
  /** Name and credentials, from the page's front matter; absent unless the client supplies them. */
  author?: string
  /** The review of exactly the words the page serves, if a reviewer attested them; never one of other words. */
  review?: PageReview
}

/** The most characters a document title may have; search results cut longer ones. */
export const MAX_DOCUMENT_TITLE = 70

/** The page's title, followed by the site's name when both fit and the title does not already name the site. */
export function documentTitle(meta: Pick<PageMeta, 'path' | 'title'>): string {
  const withSite = `${meta.title} | ${SITE_NAME}`
  if (meta.path === '/' || meta.title.includes(SITE_NAME) || withSite.length > MAX_DOCUMENT_TITLE) return meta.title
  return withSite
}

interface PagerLink {
  path: string
  navLabel: string
}

export interface LayoutProps {
  meta: PageMeta
  /** Absent on error and console pages, which are not indexed and have no canonical URL. */
  origin?: string
  disclaimers: PageDisclaimers
  previous?: PagerLink
  next?: PagerLink
  /** Shown at the top of the main content, above the heading: the console bar, a preview's "not live" banner. */
  banner?: Child
  /** A second stylesheet (the console's), allowed by its own hash in the console's CSP. */
  extraStyles?: string
  children?: Child
}

export const NAV_ITEMS: readonly PagerLink[] = [...PAGES, FULL_ARTICLE]

/** The page's schema.org description (type-checked against schema-dts in test/site/views/layout.test.tsx). */
export function pageJsonLd(meta: PageMeta, origin: string) {
  const { review } = meta
  return {
    '@context': 'https://schema.org' as const,
    '@type': 'MedicalWebPage' as const,
    name: meta.title,
    headline: meta.heading,
    description: meta.description,
    url: `${origin}${meta.path}`,
    inLanguage: 'en',
    dateModified: meta.dateModified,
    ...(review && {
      lastReviewed: review.date,
      reviewedBy: { '@type': 'Person' as const, name: review.name, honorificSuffix: review.credentials },
    }),
    ...(meta.author ? { author: { '@type': 'Person' as const, name: meta.author } } : {}),
    isPartOf: { '@type': 'WebSite' as const, name: SITE_NAME, url: `${origin}/` },
  }
}

function jsonLd(meta: PageMeta, origin: string): string {
  // `<` is escaped so that no text (a reviewer's name from EDITORS included) can close the script element early.
  return JSON.stringify(pageJsonLd(meta, origin)).replace(/</g, '\\u003c')
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

/** `2026-12-07` as pages write a date: `7 December 2026`. Spelled out by hand: the first toLocaleDateString call
 * loads ICU data, ~15 ms of Worker startup. */
export function formatDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-').map(Number)
  return `${day} ${MONTHS[(month ?? 1) - 1]} ${year}`
}

/** Who wrote the page (the client's words) and who reviewed exactly these words (the record's), when either is known. */
function Byline({ author, review }: Pick<PageMeta, 'author' | 'review'>) {
  if (!author && !review) return null
  return (
    <p class="byline">
      {author && <>By {author}.</>}
      {author && review && ' '}
      {review && (
        <>
          Medically reviewed by {review.name}, {review.credentials}, on{' '}
          <time datetime={review.date}>{formatDate(review.date)}</time>.
          {review.logIndex !== undefined && (
            <>
              {' '}
              Public log entry <a href="/log/checkpoint">{review.logIndex}</a>.
            </>
          )}
        </>
      )}
    </p>
  )
}

/** The one page shell: every HTML page, error pages included, shows the global disclaimer under its heading. */
export function Layout({ meta, origin, disclaimers, previous, next, banner, extraStyles, children }: LayoutProps) {
  const canonical = origin && `${origin}${meta.path}`
  const title = documentTitle(meta)
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <meta name="description" content={meta.description} />
        <meta name="color-scheme" content="light dark" />
        {canonical ? <link rel="canonical" href={canonical} /> : <meta name="robots" content="noindex" />}
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        {canonical && (
          <>
            <meta property="og:type" content="article" />
            <meta property="og:site_name" content={SITE_NAME} />
            <meta property="og:title" content={meta.title} />
            <meta property="og:description" content={meta.description} />
            <meta property="og:url" content={canonical} />
            <meta property="og:locale" content="en_US" />
            <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonLd(meta, origin) }} />
          </>
        )}
        <style dangerouslySetInnerHTML={{ __html: STYLES }} />
        {extraStyles && <style dangerouslySetInnerHTML={{ __html: extraStyles }} />}
      </head>
      <body>
        {/* A block of its own, so text browsers do not run it into the site's name. */}
        <div>
          <a class="skip-link" href="#main">
            Skip to the article
          </a>
        </div>
        <header class="site-header">
          <a class="site-name" href="/">
            {SITE_NAME}
          </a>
          <nav class="site-nav" aria-label="Contents">
            <ol>
              {NAV_ITEMS.map((item) => (
                <li>
                  <a href={item.path} aria-current={item.path === meta.path ? 'page' : undefined}>
                    {item.navLabel}
                  </a>
                </li>
              ))}
            </ol>
          </nav>
        </header>
        <main id="main">
          {banner}
          <h1>{meta.heading}</h1>
          <Byline author={meta.author} review={meta.review} />
          <DisclaimerNote disclaimer={disclaimers.global} id="health-disclaimer" title="Health disclaimer" />
          {children}
          {(previous || next) && (
            <nav class="pager" aria-label="Previous and next page">
              <ul>
                {previous && (
                  <li>
                    <a class="previous" href={previous.path} rel="prev">
                      ← Previous: {previous.navLabel}
                    </a>
                  </li>
                )}
                {next && (
                  <li class="next">
                    <a class="next" href={next.path} rel="next">
                      Next: {next.navLabel} →
                    </a>
                  </li>
                )}
              </ul>
            </nav>
          )}
        </main>
        <footer class="site-footer">
          <p>
            Updated <time datetime={meta.dateModified}>{formatDate(meta.dateModified)}</time>. This site is information
            only, not medical advice.
          </p>
        </footer>
      </body>
    </html>
  )
}
