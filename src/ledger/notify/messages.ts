// What each event says, as a short plain-text message: a subject made only of fixed words, numbers, target labels
// and editor names, and a body in which every stored string is printed with its control characters escaped.
// Never a token, a session or a sign-in link: the console link is the console's own address, behind its sign-in.

import type { Checkpoint } from '../../core/chain.ts'
import { plainDiff, wordDiff } from '../../core/diff.ts'
import type { LedgerEvent, LedgerVersion, Proposal } from '../../core/ledger-types.ts'
import { sitePage, targetLabel } from '../../core/site-map.ts'
import { inZone } from '../../core/time.ts'
import { printable } from '../../core/validate.ts'

export interface Message {
  subject: string
  text: string
}

/** The rows an event names, read from the ledger when the message is written. */
export interface EventRows {
  version: LedgerVersion | null
  proposal: Proposal | null
  /** The version a proposal replaces, for its diff. */
  base: LedgerVersion | null
}

export interface MessageSite {
  /** SITE_ORIGIN: the console's links are built from it. */
  origin: string
  /** Minutes within which every location shows a version KV holds (the bound). */
  boundMinutes: number
  /** SITE_TIME_ZONE: times are given in it, with their offset. */
  zone: string
}

const SUBJECT_PREFIX = '[Disclaimers]'

/** One line, every control character escaped: a subject can never start a header of its own. */
function oneLine(text: string): string {
  return printable(text)
}

/** Quoted lines are cut to this many characters, so that a mail client never wraps one onto a line of its own. */
const QUOTE_WIDTH = 72
const QUOTE_MARK = '> '

function wrapped(line: string): string[] {
  const chars = [...line]
  const lines: string[] = []
  while (chars.length > QUOTE_WIDTH) {
    const space = chars.lastIndexOf(' ', QUOTE_WIDTH)
    const cut = space > 0 ? space : QUOTE_WIDTH
    lines.push(chars.splice(0, cut).join(''))
    if (space > 0) chars.shift()
  }
  lines.push(chars.join(''))
  return lines
}

/**
 * A stored text, set apart: every line it makes starts with "> ", so nothing anyone wrote can pass for the
 * message's own words, its checkpoint above all. Control characters are escaped; long lines are cut, not wrapped by
 * the reader's mail client onto a line without the mark.
 */
function quoted(text: string): string {
  return printable(text, { multiline: true })
    .split('\n')
    .flatMap(wrapped)
    .map((line) => `${QUOTE_MARK}${line}`.trimEnd())
    .join('\n')
}

/** `what:` and the text quoted below it, or `what: (none)`. */
function quote(what: string, text: string | null | undefined): string {
  return text ? `${what}:\n${quoted(text)}` : `${what}: (none)`
}

function block(text: string | null): string {
  return text === null ? '(no text: the key was deleted from KV)' : quoted(text)
}

function label(target: string | null): string {
  return target ? targetLabel(target) : 'A disclaimer'
}

function lower(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}

function diffOf(before: string | null, after: string | null): string {
  return quoted(plainDiff(wordDiff(before ?? '', after ?? '')))
}

function footer(site: MessageSite, why: string): string {
  return `--\nSent by the disclaimer ledger of ${site.origin}. ${why}`
}

/**
 * The checkpoint paragraph every message ends with: the chain head (row and hash) once the event was recorded. Kept in
 * a mailbox, it lets anyone check later that an export of the record holds it (`npm run disclaimer -- verify <export>
 * --head <hash>`), so nothing recorded up to it was rewritten since.
 */
function checkpointText(checkpoint: Checkpoint): string {
  return `${CHECKPOINT_START} the ledger's hash chain stood at row ${checkpoint.pos}, ${checkpoint.hash}, once this was recorded. Keep this message: an export of the record that verifies with this hash proves nothing up to it was rewritten since. Only this paragraph is the checkpoint: text quoted from editors or from KV above starts every line with "${QUOTE_MARK.trim()}".`
}

/** How the checkpoint paragraph starts, at the start of a line: no quoted text can (each of its lines starts "> "). */
export const CHECKPOINT_START = 'Record checkpoint:'
/** How the public log's paragraph starts; the signed checkpoint follows it as the log signed it. */
export const LOG_CHECKPOINT_START = 'Log checkpoint:'

/**
 * The public log's signed checkpoint that holds the event (C2SP signed-note, with the witnesses' cosignatures), as
 * written: kept, it is what `npm run disclaimer -- verify --checkpoint <this message> --key <the log's key>` proves
 * every later log extends, from the log's tiles alone.
 */
function logCheckpointText(site: MessageSite, note: string): string {
  return `${LOG_CHECKPOINT_START} the public log at ${site.origin}/log/ signed this checkpoint, which holds what this message tells of. Keep this message: \`npm run disclaimer -- verify --checkpoint <this message> --key <the log's verifier key>\` proves the log served later extends it, so nothing in it was rewritten.\n\n${note.trimEnd()}`
}

const EDITOR = 'You get this because you are one of its editors.'
const REVIEWER = 'You get this because you are one of its reviewers.'
const OPERATOR = 'You get this as its operators’ address.'

/** The subject and body for an event, with its checkpoint; `rows` are what it names, as the ledger holds them. */
export function compose(
  event: LedgerEvent,
  rows: EventRows,
  site: MessageSite,
  checkpoint: Checkpoint | null,
  signed: string | null = null,
): Message {
  const { subject, why, paragraphs } = composeBody(event, rows, site)
  // The checkpoints go before the footer, whose "--" line ends the message's own words.
  const checkpointed = [
    ...paragraphs,
    ...(checkpoint ? [checkpointText(checkpoint)] : []),
    ...(signed ? [logCheckpointText(site, signed)] : []),
  ]
  return { subject, text: [...checkpointed, footer(site, why)].join('\n\n') }
}

/** What an event says: its subject, its paragraphs, and why the recipient gets it (the footer says so). */
function composeBody(
  event: LedgerEvent,
  rows: EventRows,
  site: MessageSite,
): { subject: string; why: string; paragraphs: string[] } {
  const consoleUrl = `${site.origin}/console`
  const what = label(event.target)
  const { version, proposal, base } = rows
  const actor = printable(event.actor ?? 'someone')
  const effective =
    typeof event.detail.effectiveAt === 'string' ? inZone(Date.parse(event.detail.effectiveAt), site.zone) : null
  switch (event.kind) {
    case 'proposal_opened':
      return {
        subject: oneLine(
          `${SUBJECT_PREFIX} ${actor} proposes a change to ${lower(what)}: proposal ${event.proposalId}`,
        ),
        why: EDITOR,
        paragraphs: [
          `${actor} proposed a new text for ${lower(what)}. A different editor must approve it before it goes live${effective ? `; once approved, it goes live at ${effective}, and if nobody approves it by then it expires` : ''}.`,
          quote('Their note', proposal?.note),
          `The change from ${base ? `v${base.version}` : 'no version'}, word by word ([deleted: …] and [inserted: …] mark it):`,
          diffOf(base?.text ?? null, proposal?.text ?? null),
          `Review it, then approve or reject it: ${consoleUrl}/proposals/${event.proposalId}`,
        ],
      }
    case 'proposal_approved':
    case 'proposal_rejected': {
      const approved = event.kind === 'proposal_approved'
      const decision = approved ? 'approved' : 'rejected'
      return {
        subject: oneLine(`${SUBJECT_PREFIX} Your proposal ${event.proposalId} was ${decision} by ${actor}`),
        why: EDITOR,
        paragraphs: [
          `${actor} ${decision} your proposal ${event.proposalId} for ${lower(what)}.`,
          approved
            ? `${effective ? `It goes live at ${effective}, if the text it replaces is still live then` : `It was published as v${version?.version}`}.\n${quote('Their note', String(event.detail.note ?? '') || null)}`
            : quote('Their reason', String(event.detail.reason ?? '')),
          `The proposal: ${consoleUrl}/proposals/${event.proposalId}`,
        ],
      }
    }
    case 'version_live':
      return {
        subject: oneLine(
          `${SUBJECT_PREFIX} v${event.version} of ${lower(what)} is live (${version?.how ?? 'publish'} by ${actor})`,
        ),
        why: EDITOR,
        paragraphs: [
          `v${event.version} of ${lower(what)} is live: KV holds it since ${inZone(Date.parse(version?.landedAt ?? event.at), site.zone)}.`,
          `Made by ${actor} (${version?.how ?? 'publish'})${version?.approvedBy ? `, approved by ${printable(version.approvedBy)}` : ', with no second approval'}${version?.rollbackOf ? `, rolling back to the text of v${version.rollbackOf}` : ''}.\n${quote('Note', version?.note)}`,
          `Every visitor, at every Cloudflare location, sees it within ${site.boundMinutes} minutes of that time.`,
          `The text:\n${block(version?.text ?? null)}`,
          `Its history: ${consoleUrl}/disclaimers/${event.target}/history`,
        ],
      }
    case 'external_edit': {
      const shows =
        version?.text === null
          ? 'The key was deleted from KV, so pages show the bundled default.'
          : version?.valid
            ? 'The text passes the rule, so pages show it:'
            : `The text breaks the rule (${printable(version?.problem ?? '')}), so pages show the bundled default instead of it. KV holds:`
      return {
        subject: oneLine(`${SUBJECT_PREFIX} ${what} was changed outside the ledger (v${event.version})`),
        why: `${EDITOR} Its operators are told too.`,
        paragraphs: [
          `${what} was changed in KV around the ledger (plain wrangler or the dashboard), not through the console, the CLI or the API. The ledger recorded it as v${event.version} at ${inZone(Date.parse(event.at), site.zone)}; nobody approved it.`,
          version?.text === null ? shows : `${shows}\n${block(version?.text ?? null)}`,
          `If this was not meant, roll back in the console: ${consoleUrl}/disclaimers/${event.target}/history`,
        ],
      }
    }
    case 'write_stuck':
      return {
        subject: oneLine(
          `${SUBJECT_PREFIX} KV has not taken v${event.version} of ${lower(what)} for ${event.detail.minutes} minutes`,
        ),
        why: OPERATOR,
        paragraphs: [
          `The ledger accepted v${event.version} of ${lower(what)}, but KV has refused it for ${event.detail.minutes} minutes (${event.detail.attempts} attempts). Pages still show the previous text. The ledger keeps retrying.`,
          quote('The last error', String(event.detail.lastError ?? '')),
          `What is waiting: ${consoleUrl}`,
        ],
      }
    case 'purge_failed':
      return {
        subject: oneLine(`${SUBJECT_PREFIX} Purging the cache of pages has failed ${event.detail.attempts} times`),
        why: OPERATOR,
        paragraphs: [
          `Cloudflare's cache in front of the site refused to purge ${printable(String(event.detail.tags ?? ''))} ${event.detail.attempts} times. Until it succeeds, pages it kept may show an older disclaimer for up to a day. The ledger keeps retrying.`,
          quote('The last error', String(event.detail.lastError ?? '')),
        ],
      }
    case 'schedule_expired':
      return {
        subject: oneLine(`${SUBJECT_PREFIX} Proposal ${event.proposalId} expired: nobody approved it by ${effective}`),
        why: EDITOR,
        paragraphs: [
          `Your proposal ${event.proposalId} for ${lower(what)} was to go live at ${effective}, but no other editor approved it by then, so it expired. It will not go live late; propose it again with a new time if it is still wanted.`,
          `The proposal: ${consoleUrl}/proposals/${event.proposalId}`,
        ],
      }
    case 'schedule_superseded':
      return {
        subject: oneLine(
          `${SUBJECT_PREFIX} The change scheduled for ${effective} did not go live: the text had changed`,
        ),
        why: EDITOR,
        paragraphs: [
          `The change to ${lower(what)} scheduled for ${effective}${event.proposalId ? ` (proposal ${event.proposalId})` : ''} did not go live: it was written against ${event.version ? `v${event.version}` : 'a disclaimer with no text yet'}, and ${printable(String(event.detail.reason ?? 'the text changed'))}. Nothing was overwritten.`,
          `Start again from the live text: ${consoleUrl}/disclaimers/${event.target}/edit`,
        ],
      }
    case 'schedule_cancelled':
      return {
        subject: oneLine(
          `${SUBJECT_PREFIX} ${actor} cancelled the change to ${lower(what)} scheduled for ${effective}`,
        ),
        why: EDITOR,
        paragraphs: [
          `${actor} cancelled the change to ${lower(what)} that was to go live at ${effective}${event.proposalId ? ` (proposal ${event.proposalId})` : ''}.`,
          quote('Their reason', String(event.detail.reason ?? '')),
          `What is scheduled now: ${consoleUrl}`,
        ],
      }
    case 'delivery_gave_up': {
      const given = Array.isArray(event.detail.messages) ? event.detail.messages.map(String) : []
      return {
        subject: oneLine(`${SUBJECT_PREFIX} ${given.length} message(s) could not be delivered and were given up`),
        why: OPERATOR,
        paragraphs: [
          `The ledger tried for ${event.detail.giveUpAfterHours} hours to deliver each of these and gave up; it will not try them again. If email is what fails, check Email Service and EMAIL_FROM; the console's overview shows this too.`,
          given.map((line) => `- ${printable(line)}`).join('\n'),
          `Who was told of what: ${consoleUrl}/notifications`,
        ],
      }
    }
    case 'review_lapsed':
    case 'review_due_soon':
    case 'review_overdue':
      return reviewMessage(event, consoleUrl, site.zone)
    case 'witness_refused':
    case 'witness_gave_up': {
      const refused = event.kind === 'witness_refused'
      const witness = printable(String(event.detail.witness ?? ''))
      return {
        subject: oneLine(
          `${SUBJECT_PREFIX} Witness ${witness} ${refused ? 'refused' : 'has not cosigned'} the log's checkpoint of ${event.detail.size} entries`,
        ),
        why: OPERATOR,
        paragraphs: [
          refused
            ? `The witness ${witness} refused to cosign the log's checkpoint of ${event.detail.size} entries. A witness refuses a checkpoint that does not extend the last one it cosigned: if the log was not restored or moved, someone may be showing a different history. Keep this message.`
            : `The ledger asked the witness ${witness} to cosign the log's checkpoint for as long as it tries to deliver a message, and gave up; it asks again at the next checkpoint.`,
          quote('What it answered', String(event.detail.problem ?? '')),
          `Checkpoints and cosignatures: ${site.origin}/log/checkpoint`,
        ],
      }
    }
    case 'import_problems': {
      const problems = Array.isArray(event.detail.problems) ? event.detail.problems.map(String) : []
      return {
        subject: oneLine(`${SUBJECT_PREFIX} The import of the pre-ledger history found ${problems.length} problem(s)`),
        why: OPERATOR,
        paragraphs: [
          `The ledger imported ${event.detail.imported} version(s) of the pre-ledger history once, and found:`,
          quoted(problems.map((problem) => `- ${problem.replace(/\n/g, ' ')}`).join('\n')),
          `The record: ${consoleUrl}`,
        ],
      }
    }
  }
}

/** A review that lapsed (the page's words changed) or falls due: said to the reviewers, with where to review. */
function reviewMessage(event: LedgerEvent, consoleUrl: string, zone: string) {
  const { detail } = event
  const slug = String(detail.page ?? '')
  const page = `“${printable(sitePage(slug)?.navLabel ?? slug)}”`
  const reviewer = `${printable(String(detail.name ?? ''))}, ${printable(String(detail.credentials ?? ''))}`
  const reviewedAt = inZone(Date.parse(String(detail.reviewedAt)), zone)
  const dueAt = inZone(Date.parse(String(detail.dueAt)), zone)
  const link = `Review the words it serves now: ${consoleUrl}/reviews/${encodeURIComponent(slug)}`
  if (event.kind === 'review_lapsed') {
    const version = detail.workerVersion ? ` (Worker version ${printable(String(detail.workerVersion))})` : ''
    return {
      subject: oneLine(`${SUBJECT_PREFIX} The words of ${page} changed: its review no longer holds`),
      why: REVIEWER,
      paragraphs: [
        `A deploy${version} changed the words of the page ${page}: since ${inZone(Date.parse(event.at), zone)} it serves the words of content hash ${printable(String(detail.hash))}. ${reviewer} reviewed its earlier words (${printable(String(detail.reviewedHash))}) on ${reviewedAt}, so the page no longer says it was medically reviewed, and the console lists it under "needs review".`,
        link,
      ],
    }
  }
  const overdue = event.kind === 'review_overdue'
  return {
    subject: oneLine(
      `${SUBJECT_PREFIX} The review of ${page} ${overdue ? `is overdue since ${dueAt}` : `falls due on ${dueAt}`}`,
    ),
    why: overdue ? `${REVIEWER} Its operators are told too.` : REVIEWER,
    paragraphs: [
      `${reviewer} reviewed the page ${page} on ${reviewedAt}; the review ${overdue ? 'fell due' : 'falls due'} on ${dueAt}.${overdue ? ' The page still shows that true date of its last review; the console lists it as overdue.' : ''}`,
      link,
    ],
  }
}
