import { raw } from 'hono/html'
import type { Child } from 'hono/jsx'
import { type ArticlePage, CHAPTERS, FULL_ARTICLE, HOME, PAGES } from '../../core/article/index.ts'
import { IN_BRIEF_NOTE_SLUG } from '../../core/site-map.ts'
import type { PageDisclaimers } from '../reader.ts'
import { DisclaimerNote } from './disclaimer-note.tsx'
import { Layout, type PageMeta } from './layout.tsx'

/**
 * What every article page takes. A preview passes no origin (so the page is noindex and has no canonical URL),
 * the "Preview, not live" banner, and the console's stylesheet for it.
 */
export interface PageProps {
  origin: string | undefined
  disclaimers: PageDisclaimers
  banner?: Child
  extraStyles?: string
}

function metaOf(page: ArticlePage | typeof FULL_ARTICLE): PageMeta {
  return { ...page, heading: page.title }
}

function PageDisclaimer({ slug, disclaimers, id }: { slug: string; disclaimers: PageDisclaimers; id?: string }) {
  const disclaimer = disclaimers.pages.get(slug)
  return disclaimer ? (
    <DisclaimerNote disclaimer={disclaimer} id={id ?? `${slug}-disclaimer`} title="Safety note" />
  ) : null
}

function Contents() {
  return (
    <ol class="contents">
      {[...CHAPTERS, FULL_ARTICLE].map((page) => (
        <li>
          <a href={page.path}>{page.title}</a>
        </li>
      ))}
    </ol>
  )
}

function InBrief({ summary, disclaimers }: { summary: string; disclaimers: PageDisclaimers }) {
  return (
    <section class="in-brief" aria-labelledby="in-brief">
      <h2 id="in-brief">In brief</h2>
      <PageDisclaimer slug={IN_BRIEF_NOTE_SLUG} disclaimers={disclaimers} id="in-brief-disclaimer" />
      <p>{summary}</p>
    </section>
  )
}

// The article's HTML was compiled and checked at build time from bundled Markdown, so it is trusted;
// KV text never reaches raw().
export function HomePage({ origin, disclaimers, ...chrome }: PageProps) {
  return (
    <Layout meta={metaOf(HOME)} origin={origin} disclaimers={disclaimers} next={CHAPTERS[0]} {...chrome}>
      <PageDisclaimer slug={HOME.slug} disclaimers={disclaimers} />
      {raw(HOME.html)}
      {HOME.summary && <InBrief summary={HOME.summary} disclaimers={disclaimers} />}
      <h2>Contents</h2>
      <Contents />
    </Layout>
  )
}

export function ChapterPage({ page, origin, disclaimers, ...chrome }: PageProps & { page: ArticlePage }) {
  const index = PAGES.indexOf(page)
  return (
    <Layout
      meta={metaOf(page)}
      origin={origin}
      disclaimers={disclaimers}
      previous={PAGES[index - 1]}
      next={PAGES[index + 1] ?? FULL_ARTICLE}
      {...chrome}
    >
      <div class="article-body">
        <PageDisclaimer slug={page.slug} disclaimers={disclaimers} />
        {raw(page.html)}
      </div>
    </Layout>
  )
}

export function FullArticlePage({ origin, disclaimers, ...chrome }: PageProps) {
  return (
    <Layout meta={metaOf(FULL_ARTICLE)} origin={origin} disclaimers={disclaimers} {...chrome}>
      <div class="article-body">
        <PageDisclaimer slug={FULL_ARTICLE.slug} disclaimers={disclaimers} />
        {raw(HOME.html)}
        {HOME.summary && <InBrief summary={HOME.summary} disclaimers={disclaimers} />}
        {CHAPTERS.map((page) => (
          <section aria-labelledby={`${page.slug}-heading`}>
            <h2 id={`${page.slug}-heading`}>{page.title}</h2>
            <PageDisclaimer slug={page.slug} disclaimers={disclaimers} />
            {raw(page.html)}
          </section>
        ))}
      </div>
    </Layout>
  )
}

export function NotFoundPage({ disclaimers, path }: { disclaimers: PageDisclaimers; path: string }) {
  return (
    <Layout
      meta={{
        path,
        title: 'Page not found',
        heading: 'Page not found',
        description: 'There is no page at this address.',
        lastReviewed: FULL_ARTICLE.lastReviewed,
      }}
      disclaimers={disclaimers}
    >
      <p>
        There is no page at this address. The article starts on the <a href="/">home page</a>; here are all its parts:
      </p>
      <Contents />
    </Layout>
  )
}

export function ErrorPage({ disclaimers }: { disclaimers: PageDisclaimers }) {
  return (
    <Layout
      meta={{
        path: '',
        title: 'Something went wrong',
        heading: 'Something went wrong',
        description: 'The page could not be shown.',
        lastReviewed: FULL_ARTICLE.lastReviewed,
      }}
      disclaimers={disclaimers}
    >
      <p>
        This page could not be shown just now. Please try again in a moment, or start from the <a href="/">home page</a>
        .
      </p>
    </Layout>
  )
}
