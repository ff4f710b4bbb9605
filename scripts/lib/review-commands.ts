// The disclaimer CLI's commands for reviews of the article's own words: where each page's review stands, a reviewer's
// attestation, and what a page said at a time (docs/editing.md#reviewing). Stored strings are printed escaped.
import type { PageWords } from '../../src/core/article/words.ts'
import type { PageAt, PageReviewState, ReviewRecord } from '../../src/core/review-types.ts'
import { SITE_PAGES } from '../../src/core/site-map.ts'
import { INSTANT_EXAMPLE, parseInstant } from '../../src/core/time.ts'
import { printable, validateField } from '../../src/core/validate.ts'
import { type AdminClient, CliError } from './admin-client.ts'
import { versionLine } from './disclaimer-format.ts'

const PAGE_SLUGS = SITE_PAGES.map((page) => page.slug)

export const REVIEW_USAGE = `reviews of the article's words (docs/editing.md#reviewing)
  reviews                       every page's review: reviewed, due soon, overdue, or needing one (words changed,
                                never reviewed)
  review <page> [--note N]      as a reviewer, "I reviewed this page as it reads now": the words the site serves
         [--hash H]             now, or only those of content hash H (refused if the page no longer serves them)
  page-at <page> <time>         what a page said at a time: its words, its disclaimers, who had reviewed those words

page:   ${PAGE_SLUGS.join(', ')}.`

export const REVIEW_COMMANDS = new Set(['reviews', 'review', 'page-at'])

export interface ReviewOptions {
  note?: string
  hash?: string
}

function pageArg(value: string | undefined, command: string): string {
  if (value === undefined) throw new CliError(`${command} needs a page: one of ${PAGE_SLUGS.join(', ')}`, 2)
  if (!PAGE_SLUGS.includes(value)) {
    throw new CliError(`"${printable(value)}" is not a page; use one of: ${PAGE_SLUGS.join(', ')}`, 2)
  }
  return value
}

/** Refuses a review command's arguments that cannot work, before anything is started or sent. */
export function checkReview(command: string, rest: string[], options: ReviewOptions): void {
  if (command === 'review') {
    pageArg(rest[0], 'review')
    const note = validateField(options.note ?? '', 'note')
    if (!note.ok) throw new CliError(`${note.reason}; nothing was sent`, 2)
    if (options.hash !== undefined && !/^[0-9a-f]{64}$/.test(options.hash)) {
      throw new CliError('--hash needs a page content hash: 64 lowercase hex digits, as `reviews` prints it', 2)
    }
  }
  if (command === 'page-at') {
    pageArg(rest[0], 'page-at')
    if (!rest[1] || parseInstant(rest[1]) === undefined) {
      throw new CliError(`page-at needs a date and time with its offset, e.g. ${INSTANT_EXAMPLE}`, 2)
    }
  }
}

export function reviewLine(review: ReviewRecord): string {
  const parts = [
    review.at,
    `${printable(review.name)}, ${printable(review.credentials)} (${printable(review.reviewer)})`,
    `words ${review.hash}`,
    `due ${review.dueAt}`,
    review.note ? `"${printable(review.note)}"` : '',
  ]
  return parts.filter(Boolean).join('  ')
}

export function stateLine(state: PageReviewState): string {
  const said = {
    reviewed: 'reviewed',
    due_soon: 'reviewed, due soon',
    overdue: 'OVERDUE',
    lapsed: 'NEEDS REVIEW: its words changed since the last review',
    never_reviewed: 'NEEDS REVIEW: never reviewed',
  }[state.status]
  const review = state.review ?? state.lastReview
  return `${state.page.padEnd(30)} ${said}\n  words ${state.hash}${state.servedSince ? ` since ${state.servedSince}` : ''}${review ? `\n  ${state.review ? 'review' : 'last review, of other words'}: ${reviewLine(review)}` : ''}`
}

/** The page's words as plain text: its compiled HTML (the build's, never a client's) with the tags taken out. */
export function wordsText(words: PageWords): string {
  const text = (html: string) =>
    html
      .replace(/<\/(p|blockquote|li|h[1-6])>/g, '\n')
      .replace(/<[^>]*>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&')
      .replace(/\n{2,}/g, '\n')
      .trim()
  const sections = words.sections.map(
    (section) => `## ${section.title}\n${text(section.html)}${section.summary ? `\nIn brief: ${section.summary}` : ''}`,
  )
  return printable([`# ${words.title}`, ...sections].join('\n\n'), { multiline: true })
}

export function pageAtBlock(at: PageAt): string {
  const lines = [`${at.page} at ${at.at}:`]
  if (!at.content) {
    lines.push('the ledger had not recorded this page’s words yet then')
  } else {
    const since = `served since ${at.content.servedFrom}`
    const version = at.content.workerVersion ? `, Worker version ${printable(at.content.workerVersion)}` : ''
    lines.push(`words ${at.content.hash} (${since}${version})`)
  }
  lines.push(
    at.review
      ? `reviewed: ${reviewLine(at.review)}`
      : 'reviewed: no review of those words had been recorded by then: pages named no reviewer',
  )
  for (const { target, version } of at.disclaimers) {
    lines.push(
      `disclaimer ${target}: ${version ? versionLine(version) : 'no ledger version: the bundled default or no note'}`,
    )
  }
  if (at.content) lines.push('', wordsText(at.content.words))
  return lines.join('\n')
}

export async function runReview(
  command: string,
  rest: string[],
  options: ReviewOptions,
  client: AdminClient,
  label: string,
): Promise<void> {
  checkReview(command, rest, options)
  switch (command) {
    case 'reviews': {
      const { pages, rules } = await client.reviews()
      const needing = pages.filter((state) => ['lapsed', 'never_reviewed', 'overdue'].includes(state.status))
      console.log(`${label}: ${pages.length} page(s), ${needing.length} needing a review`)
      for (const state of pages) console.log(stateLine(state))
      console.log(
        `rules: a reviewer must approve ${rules.reviewerMustApprove.join(', ') || 'no disclaimer'}; a review is due ${rules.reviewDueAfterMonths} month(s) after it is made`,
      )
      return
    }
    case 'review': {
      const page = rest[0] as string
      const hash = options.hash ?? (await client.pageReview(page)).state.hash
      const { review } = await client.attest(page, hash, options.note)
      console.log(`${label}: recorded: ${reviewLine(review)}`)
      console.log(`pages show it while they serve words ${review.hash}; it falls due ${review.dueAt}`)
      return
    }
    case 'page-at': {
      console.log(pageAtBlock(await client.pageAt(rest[0] as string, rest[1] as string)))
      return
    }
  }
}
