// Bundled Markdown files → validated, ordered article pages. Pure: strings in, values out.
import { marked } from 'marked'
import { HOME_SLUG, RESERVED_SLUGS } from './slugs.ts'

export interface ContentFile {
  name: string
  source: string
}

export interface ArticlePage {
  file: string
  slug: string
  path: string
  order: number
  title: string
  navLabel: string
  description: string
  /** When the page's words last changed (YYYY-MM-DD), as the content says: not a review (a reviewer records those). */
  dateModified: string
  summary?: string
  /** Who wrote the page, with credentials; only the client can supply it. */
  author?: string
  html: string
}

export class ContentError extends Error {
  override name = 'ContentError'
}

/** Search results cut titles near 60 characters; 70 is the most a page title may have. */
export const MAX_TITLE_LENGTH = 70

const REQUIRED_FIELDS = ['slug', 'order', 'title', 'navLabel', 'description', 'dateModified'] as const
const OPTIONAL_FIELDS = ['summary', 'author'] as const
const KNOWN_FIELDS = new Set<string>([...REQUIRED_FIELDS, ...OPTIONAL_FIELDS])
/** Fields that made a claim about a review, which only a reviewer can now make (in the ledger), and what to do. */
const RETIRED_FIELDS: ReadonlyMap<string, string> = new Map([
  [
    'lastReviewed',
    'rename it "dateModified" (the date the words last changed); a review is recorded by a reviewer, not written here',
  ],
  ['reviewedBy', 'remove it; a medical review is recorded by a reviewer through the console or the CLI'],
])
const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/

/** Front matter is a strict subset of YAML: one `key: value` per line, plain scalars, no nesting. */
function splitFrontMatter(file: string, source: string): { fields: Map<string, string>; body: string } {
  const text = source.replace(/\r\n?/g, '\n')
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text)
  if (!match) {
    throw new ContentError(
      `${file}: no front matter; start the file with a "---" line, the fields, then another "---" line`,
    )
  }
  const [, head = '', body = ''] = match
  const fields = new Map<string, string>()
  head.split('\n').forEach((line, index) => {
    if (line.trim() === '') return
    const field = /^([A-Za-z]+):(?:\s+(.*))?$/.exec(line)
    if (!field) {
      throw new ContentError(`${file}: front matter line ${index + 2} is not "key: value": ${JSON.stringify(line)}`)
    }
    const [, key = '', value = ''] = field
    const retired = RETIRED_FIELDS.get(key)
    if (retired) throw new ContentError(`${file}: front matter field "${key}" is no longer read; ${retired}`)
    if (!KNOWN_FIELDS.has(key)) {
      throw new ContentError(
        `${file}: unknown front matter field "${key}"; known fields are ${[...KNOWN_FIELDS].join(', ')}`,
      )
    }
    if (fields.has(key)) throw new ContentError(`${file}: front matter field "${key}" appears twice`)
    fields.set(key, value.trim())
  })
  return { fields, body }
}

export function parseArticleFile(file: string, source: string): ArticlePage {
  const { fields, body } = splitFrontMatter(file, source)
  for (const key of REQUIRED_FIELDS) {
    if (!fields.get(key)) throw new ContentError(`${file}: missing "${key}" in front matter`)
  }
  const field = (key: (typeof REQUIRED_FIELDS)[number]) => fields.get(key) as string
  const slug = field('slug')
  if (!SLUG_PATTERN.test(slug)) {
    throw new ContentError(
      `${file}: slug "${slug}" must be lowercase words joined by hyphens, like "dosage-and-safety"`,
    )
  }
  if (RESERVED_SLUGS.has(slug)) throw new ContentError(`${file}: slug "${slug}" is reserved for a route of the site`)
  const order = Number(field('order'))
  if (!Number.isInteger(order) || order < 0) {
    throw new ContentError(`${file}: order "${field('order')}" must be a whole number, 0 or more`)
  }
  const dateModified = field('dateModified')
  if (!DATE_PATTERN.test(dateModified) || Number.isNaN(Date.parse(dateModified))) {
    throw new ContentError(`${file}: dateModified "${dateModified}" must be a date written YYYY-MM-DD`)
  }
  const title = field('title')
  if ([...title].length > MAX_TITLE_LENGTH) {
    throw new ContentError(
      `${file}: title is ${[...title].length} characters long; shorten it to at most ${MAX_TITLE_LENGTH}`,
    )
  }
  if (body.trim() === '') throw new ContentError(`${file}: the page has no text below its front matter`)
  return {
    file,
    slug,
    path: slug === HOME_SLUG ? '/' : `/${slug}`,
    order,
    title,
    navLabel: field('navLabel'),
    description: field('description'),
    dateModified,
    summary: fields.get('summary') || undefined,
    author: fields.get('author') || undefined,
    html: marked.parse(body, { async: false, gfm: true }),
  }
}

/** Parses every file and checks the set: one home page, unique slugs and orders. Returns pages in reading order. */
export function buildArticle(files: readonly ContentFile[]): ArticlePage[] {
  if (files.length === 0) throw new ContentError('content/article: no pages found')
  const pages = files.map((file) => parseArticleFile(file.name, file.source))
  const seen = new Map<string, ArticlePage>()
  for (const page of pages) {
    for (const id of [`slug "${page.slug}"`, `order ${page.order}`]) {
      const other = seen.get(id)
      if (other) throw new ContentError(`${page.file}: duplicate ${id}, already used by ${other.file}`)
      seen.set(id, page)
    }
  }
  if (!seen.has(`slug "${HOME_SLUG}"`)) {
    throw new ContentError(`content/article: no page has slug "${HOME_SLUG}"; the site needs one for its home page`)
  }
  return pages.sort((a, b) => a.order - b.order)
}
