// Reviews of the article's own words: where each page stands, a reviewer's attestation, the rules, and a page as it
// read at a time. Names, credentials and notes come from EDITORS and the record: rendered as text.
import type { Reviewer } from '../../core/editors.ts'
import type { ReviewRules } from '../../core/review-rules.ts'
import type { PageAt, PageReviewState, ReviewRecord, ReviewStatus } from '../../core/review-types.ts'
import { sitePage } from '../../core/site-map.ts'
import { inZone } from '../../core/time.ts'
import { ColumnHeads, describedBy, FieldHelp, Links, Notice, targetLabel, when } from './shell.tsx'

/** The page named as editors know it: “Dosage and safety”. */
export function pageLabel(page: string): string {
  return `“${sitePage(page)?.navLabel ?? page}”`
}

export function reviewPath(page: string, rest = ''): string {
  return `/console/reviews/${page}${rest}`
}

/** The short content hash, as the console shows it; the full one is in the record and the API. */
function short(hash: string): string {
  return hash.slice(0, 16)
}

function who(review: Pick<ReviewRecord, 'name' | 'credentials'>): string {
  return `${review.name}, ${review.credentials}`
}

/** Why a page needs a review, or how its review stands, in a sentence. */
function standing(state: PageReviewState, zone: string): string {
  const { review, lastReview } = state
  switch (state.status) {
    case 'never_reviewed':
      return 'Never reviewed.'
    case 'lapsed':
      return `Its words changed${state.servedSince ? ` on ${when(state.servedSince, zone)}` : ''}, after ${who(lastReview as ReviewRecord)} reviewed the earlier words on ${when((lastReview as ReviewRecord).at, zone)}; pages no longer say it was reviewed.`
    case 'overdue':
      return `Overdue since ${when((review as ReviewRecord).dueAt, zone)}: last reviewed by ${who(review as ReviewRecord)} on ${when((review as ReviewRecord).at, zone)}, the date pages still show.`
    case 'due_soon':
      return `Reviewed by ${who(review as ReviewRecord)} on ${when((review as ReviewRecord).at, zone)}; due again on ${when((review as ReviewRecord).dueAt, zone)}, soon.`
    default:
      return `Reviewed by ${who(review as ReviewRecord)} on ${when((review as ReviewRecord).at, zone)}; due again on ${when((review as ReviewRecord).dueAt, zone)}.`
  }
}

const NEEDS_REVIEW: readonly ReviewStatus[] = ['lapsed', 'never_reviewed', 'overdue']

export function needsReview(state: PageReviewState): boolean {
  return NEEDS_REVIEW.includes(state.status)
}

function PageList({ pages, zone, isReviewer }: { pages: PageReviewState[]; zone: string; isReviewer: boolean }) {
  if (pages.length === 0) return <p>None.</p>
  return (
    <ul class="reviews">
      {pages.map((state) => (
        <li>
          <a href={reviewPath(state.page)}>
            {isReviewer ? 'Review' : 'See'} {pageLabel(state.page)}
          </a>
          : {standing(state, zone)}
        </li>
      ))}
    </ul>
  )
}

function reviewersText(reviewers: readonly Reviewer[]): string {
  return reviewers.map((reviewer) => `${reviewer.name}, ${reviewer.credentials} (${reviewer.editor})`).join('; ')
}

/** The rules from content/review-rules.json, and who the reviewers are (EDITORS). */
export function ReviewRulesList({ rules, reviewers }: { rules: ReviewRules; reviewers: readonly Reviewer[] }) {
  return (
    <dl>
      <dt>Only a reviewer may approve</dt>
      <dd>
        {rules.reviewerMustApprove.length === 0 ? (
          'no disclaimer'
        ) : (
          <ul>
            {rules.reviewerMustApprove.map((target) => (
              <li>{targetLabel(target)}</li>
            ))}
          </ul>
        )}
      </dd>
      <dt>A review falls due</dt>
      <dd>
        {rules.reviewDueAfterMonths} month(s) after it is made; reviewers are told {rules.remindDaysBefore} day(s)
        before and on the day (the operators too, once it is overdue)
      </dd>
      <dt>Reviewers</dt>
      <dd>
        {reviewers.length > 0
          ? reviewersText(reviewers)
          : 'none: an operator adds "reviewer": true, a name and credentials to an editor’s entry in EDITORS'}
      </dd>
    </dl>
  )
}

export function ReviewsOverview({
  pages,
  rules,
  reviewers,
  isReviewer,
  zone,
}: {
  pages: PageReviewState[]
  rules: ReviewRules
  reviewers: readonly Reviewer[]
  isReviewer: boolean
  zone: string
}) {
  return (
    <>
      <p>
        A page says it was medically reviewed only while the words it serves are the words a reviewer attested. A deploy
        that changes a page’s words ends its review at once, and the reviewers are told by email.
      </p>
      <h2>Needs review</h2>
      <PageList pages={pages.filter(needsReview)} zone={zone} isReviewer={isReviewer} />
      <h2>Reviewed</h2>
      <PageList pages={pages.filter((state) => !needsReview(state))} zone={zone} isReviewer={isReviewer} />
      <h2>The rules</h2>
      <p>
        From <code>content/review-rules.json</code> (changed by a deploy) and the <code>EDITORS</code> secret.
      </p>
      <ReviewRulesList rules={rules} reviewers={reviewers} />
    </>
  )
}

function ReviewsTable({ reviews, hash, zone }: { reviews: ReviewRecord[]; hash: string; zone: string }) {
  if (reviews.length === 0) return <p>No review of this page has been recorded.</p>
  return (
    // biome-ignore lint/a11y/useSemanticElements: a <section> here draws the Nu checker's "section lacks heading" warning; the heading above names it
    <div class="table-wrap" tabindex={0} role="region" aria-labelledby="reviews-heading">
      <table aria-labelledby="reviews-heading">
        <ColumnHeads names={[`When (${zone})`, 'Reviewer', 'Words', 'Due', 'Note']} />
        <tbody>
          {reviews.map((review) => (
            <tr>
              <th scope="row">{when(review.at, zone)}</th>
              <td>
                {who(review)} ({review.reviewer})
              </td>
              <td>
                <code>{short(review.hash)}</code>
                {review.hash === hash ? ', the words served now' : ', earlier words'}
              </td>
              <td>{when(review.dueAt, zone)}</td>
              <td>{review.note ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** One page: where its review stands, the attestation (for a reviewer), and its reviews. */
export function PageReviewDetail({
  state,
  reviews,
  path,
  reviewers,
  isReviewer,
  zone,
  error,
  refusal,
  note = '',
}: {
  state: PageReviewState
  /** Its reviews, newest first. */
  reviews: ReviewRecord[]
  /** Where the page is on the site. */
  path: string
  reviewers: readonly Reviewer[]
  isReviewer: boolean
  zone: string
  /** What was wrong with the note. */
  error?: string
  /** Why an attestation was refused, for anything but the note. */
  refusal?: string
  note?: string
}) {
  return (
    <>
      {refusal && <Notice>Nothing was recorded: {refusal}</Notice>}
      <dl>
        <dt>Where it stands</dt>
        <dd>{standing(state, zone)}</dd>
        <dt>Words served now</dt>
        <dd>
          <code>{short(state.hash)}</code>
          {state.servedSince ? `, since ${when(state.servedSince, zone)}` : ''}
        </dd>
      </dl>
      <p>
        <a href={path}>Read the page as visitors see it now</a>
      </p>
      <PageAtForm page={state.page} zone={zone} />
      {isReviewer ? (
        <form method="post" action={reviewPath(state.page)}>
          <input type="hidden" name="hash" value={state.hash} />
          <FieldHelp
            id="note"
            label="Note (optional)"
            hint="Kept in the record and shown to editors, never on the page: what you checked, sources."
            error={error}
          />
          <input type="text" id="note" name="note" maxlength={280} value={note} {...describedBy('note', error)} />
          <button type="submit">I reviewed this page as it reads now</button>
        </form>
      ) : (
        <Notice>
          Only a reviewer can record a review of this page:{' '}
          {reviewers.length > 0 ? reviewersText(reviewers) : 'no editor is a reviewer yet'}.
        </Notice>
      )}
      <h2 id="reviews-heading">Every review of {pageLabel(state.page)}, newest first</h2>
      <ReviewsTable reviews={reviews} hash={state.hash} zone={zone} />
    </>
  )
}

/** What a reviewer sees once their attestation is recorded. */
export function ReviewRecorded({
  review,
  boundMinutes,
  zone,
}: {
  review: ReviewRecord
  boundMinutes: number
  zone: string
}) {
  return (
    <>
      <Notice ok>
        Recorded: {who(review)} reviewed {pageLabel(review.page)} as it read at {when(review.at, zone)} (words{' '}
        <code>{short(review.hash)}</code>). Every visitor sees it within {boundMinutes} minutes; it falls due on{' '}
        {when(review.dueAt, zone)}.
      </Notice>
      <Links
        links={[
          [reviewPath(review.page), `Back to ${pageLabel(review.page)}`],
          ['/console/reviews', 'All reviews'],
        ]}
      />
    </>
  )
}

/** The banner over a page as it read at a time: what the record holds for then, not what visitors see now. */
export function AsOfBanner({ at, zone }: { at: PageAt; zone: string }) {
  return (
    <div class="preview-banner as-of" role="status">
      <p>
        As of {inZone(Date.parse(at.at), zone)}: the page {pageLabel(at.page)} as it read then, not live.
      </p>
      <ul>
        {asOfLines(at, zone).map((line) => (
          <li>{line}</li>
        ))}
        <li>
          <a href={reviewPath(at.page, '/at')}>Another time</a>
        </li>
        <li>
          <a href={reviewPath(at.page)}>Back to the review of {pageLabel(at.page)}</a>
        </li>
      </ul>
    </div>
  )
}

/** What the record says of a page at a time, a sentence each: its words, who had reviewed them, its disclaimers. */
export function asOfLines(at: PageAt, zone: string): string[] {
  const lines: string[] = []
  if (at.content) {
    const { hash, servedFrom, workerVersion } = at.content
    const version = workerVersion ? `Worker version ${workerVersion}` : 'a Worker whose version was not recorded'
    lines.push(`Its words ${short(hash)}, served from ${when(servedFrom, zone)}, first by ${version}.`)
  }
  lines.push(
    at.review
      ? `Reviewed by ${who(at.review)} on ${when(at.review.at, zone)}: these words.`
      : 'No reviewer had attested these words by then: the page named no reviewer.',
  )
  for (const shown of at.disclaimers) lines.push(`${targetLabel(shown.target)}: ${shown.reason}.`)
  return lines
}

/** Picks the time to show a page as of, in the site's zone. */
export function PageAtForm({ page, zone, wall = '' }: { page: string; zone: string; wall?: string }) {
  return (
    <form method="get" action={reviewPath(page, '/at')}>
      <label for="at">
        Show {pageLabel(page)} as it read at ({zone} time)
      </label>
      <input type="datetime-local" id="at" name="at" step="1" value={wall} required />
      <button type="submit" class="secondary">
        Show the page then
      </button>
    </form>
  )
}
