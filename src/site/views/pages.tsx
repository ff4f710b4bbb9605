import { raw } from 'hono/html'
import type { Child } from 'hono/jsx'
import {
  type ArticlePage,
  CHAPTERS,
  FULL_ARTICLE,
  HOME,
  PAGE_HASHES,
  PAGE_WORDS,
  PAGES,
  type PageSection,
  type PageWords,
} from '../../core/article/index.ts'
import type { PageReview } from '../../core/reviews.ts'
import { IN_BRIEF_NOTE_SLUG } from '../../core/site-map.ts'
import type { PageDisclaimers } from '../reader.ts'
import { DisclaimerNote } from './disclaimer-note.tsx'
import { Layout, type LayoutProps, type PageMeta } from './layout.tsx'

/** Words a page serves and their content hash: the bundle's, or (in a view of the page at a time) the record's. */
export interface PageContent {
  words: PageWords
  hash: string
}

/**
 * What every article page takes. A preview passes no origin (so the page is noindex and has no canonical URL),
 * the "Preview, not live" banner, and the console's stylesheet for it; a view of the page as it read at a time
 * passes the words it served then. `review` is shown only when it is a review of exactly those words.
 */
export interface PageProps {
  origin: string | undefined
  disclaimers: PageDisclaimers
  review?: PageReview
  content?: PageContent
  banner?: Child
  extraStyles?: string
}

/** The bundled words of a page and their hash. */
export function bundledContent(slug: string): PageContent {
  return { words: PAGE_WORDS.get(slug) as PageWords, hash: PAGE_HASHES.get(slug) as string }
}

function metaOf(
  page: ArticlePage | typeof FULL_ARTICLE,
  { words, hash }: PageContent,
  review: PageReview | undefined,
): PageMeta {
  return {
    path: page.path,
    title: words.title,
    heading: words.title,
    description: words.description,
    dateModified: page.dateModified,
    ...('author' in page && page.author && { author: page.author }),
    ...(review?.hash === hash && { review }),
  }
}

/** An article page's shell: its meta from the words it serves; the rest goes to the layout as given. */
function ArticleLayout({
  page,
  content,
  review,
  ...layout
}: Omit<LayoutProps, 'meta'> & { page: ArticlePage | typeof FULL_ARTICLE; content: PageContent; review?: PageReview }) {
  return <Layout meta={metaOf(page, content, review)} {...layout} />
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

// The article's HTML was compiled and checked at build time from bundled Markdown (the ledger records exactly the
// words a build served, so a view of a page at a time shows a build's HTML too), so it is trusted; KV text never
// reaches raw().
export function HomePage({ disclaimers, content = bundledContent(HOME.slug), ...chrome }: PageProps) {
  const [home] = content.words.sections as [PageSection]
  return (
    <ArticleLayout page={HOME} content={content} disclaimers={disclaimers} next={CHAPTERS[0]} {...chrome}>
      <PageDisclaimer slug={HOME.slug} disclaimers={disclaimers} />
      {raw(home.html)}
      {home.summary && <InBrief summary={home.summary} disclaimers={disclaimers} />}
      <h2>Contents</h2>
      <Contents />
    </ArticleLayout>
  )
}

export function ChapterPage({
  page,
  disclaimers,
  content = bundledContent(page.slug),
  ...chrome
}: PageProps & { page: ArticlePage }) {
  const index = PAGES.indexOf(page)
  const [section] = content.words.sections as [PageSection]
  return (
    <ArticleLayout
      page={page}
      content={content}
      disclaimers={disclaimers}
      previous={PAGES[index - 1]}
      next={PAGES[index + 1] ?? FULL_ARTICLE}
      {...chrome}
    >
      <div class="article-body">
        <PageDisclaimer slug={page.slug} disclaimers={disclaimers} />
        {raw(section.html)}
      </div>
    </ArticleLayout>
  )
}

export function FullArticlePage({ disclaimers, content = bundledContent(FULL_ARTICLE.slug), ...chrome }: PageProps) {
  const [home, ...chapters] = content.words.sections as [PageSection, ...PageSection[]]
  return (
    <ArticleLayout page={FULL_ARTICLE} content={content} disclaimers={disclaimers} {...chrome}>
      <div class="article-body">
        <PageDisclaimer slug={FULL_ARTICLE.slug} disclaimers={disclaimers} />
        {raw(home.html)}
        {home.summary && <InBrief summary={home.summary} disclaimers={disclaimers} />}
        {chapters.map((section) => (
          <section aria-labelledby={`${section.slug}-heading`}>
            <h2 id={`${section.slug}-heading`}>{section.title}</h2>
            <PageDisclaimer slug={section.slug} disclaimers={disclaimers} />
            {raw(section.html)}
          </section>
        ))}
      </div>
    </ArticleLayout>
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
        dateModified: FULL_ARTICLE.dateModified,
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
        dateModified: FULL_ARTICLE.dateModified,
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
