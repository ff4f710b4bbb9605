// `npm run disclaimer -- verify-page <url or saved .html>`: proves that each disclaimer box's text, as a visitor
// reads it, is the log entry the box names, in a checkpoint signed by the log key the person checking gives; or
// says which box, entry, file or signature does not hold.
import { readFileSync } from 'node:fs'
import { parseEntry } from '../../src/core/log/entry.ts'
import { proveEntry } from '../../src/core/log/log-client.ts'
import { printable } from '../../src/core/validate.ts'
import { CliError } from './cli-error.ts'
import { type Fetched, fetchBytes, logBase, logFiles } from './log-fetch.ts'
import { type LogTrust, logOrigin, servedCheckpoint } from './log-trust.ts'
import { matchText, type PageBox, readPage } from './page-disclaimers.ts'

/** A ledger version as its log entry shows it; `text` is null where the entry shows none. */
export interface EntryVersion {
  key: string
  version: number
  text: string | null
}

export type ReadVersion = { ok: true; table: string; version?: EntryVersion } | { ok: false; problem: string }

/** Reads a log entry (src/core/log/entry.ts): its table, and for a version row its key, number and public text. */
export function readVersion(bytes: Uint8Array): ReadVersion {
  const parsed = parseEntry(bytes)
  if (!parsed.ok) return parsed
  const { table, row } = parsed.entry
  if (table !== 'versions') return { ok: true, table }
  if (typeof row.key !== 'string' || typeof row.seq !== 'number') {
    return { ok: false, problem: 'the version entry shows no key or number (seq)' }
  }
  return {
    ok: true,
    table,
    version: { key: row.key, version: row.seq, text: typeof row.text === 'string' ? row.text : null },
  }
}

export interface VerifyPageOptions {
  /** An http(s) URL, or a saved page's file. */
  source: string
  trust: LogTrust
  /** The site whose log to check; by default the page's (its URL, else its canonical link). */
  site?: string
}

export interface Outcome {
  ok: boolean
  lines: string[]
  fetched: Fetched
}

const isUrl = (text: string) => /^https?:\/\//i.test(text)

async function readSource(source: string, fetched: Fetched): Promise<string> {
  if (isUrl(source)) return new TextDecoder().decode(await fetchBytes(source, fetched))
  try {
    return readFileSync(source, 'utf8')
  } catch {
    throw new CliError(`cannot read ${source}: give a page's URL (http:// or https://) or a saved .html file`, 2)
  }
}

function where(options: VerifyPageOptions, canonical: string | null): { site: string; origin: string } {
  const valid = (url: string | null | undefined) => (url && URL.canParse(url) && isUrl(url) ? url : undefined)
  const site = valid(options.site) ?? (isUrl(options.source) ? options.source : valid(canonical))
  if (!site) {
    throw new CliError(
      `${options.source} has no canonical link naming its site: say whose log to check with --site <origin>`,
      2,
    )
  }
  // SITE_ORIGIN names the log; the canonical link is built from it, so it is read before the URL fetched.
  return { site, origin: logOrigin(valid(options.site) ?? valid(canonical) ?? site) }
}

function boxName(box: PageBox): string {
  const key = box.key ? printable(box.key) : 'a disclaimer'
  return `box ${box.number} (${key}, ${printable(box.version ?? 'no version')})`
}

/** Proves every box on the page; `lines` say what held and what did not. */
export async function verifyPage(options: VerifyPageOptions): Promise<Outcome> {
  const fetched: Fetched = { urls: [], bytes: 0 }
  const html = await readSource(options.source, fetched)
  const { boxes, canonical } = readPage(html)
  const { site, origin } = where(options, canonical)
  const lines = [`page ${options.source}: ${boxes.length} disclaimer box(es)`]
  const finish = (ok: boolean, verdict: string): Outcome => {
    const logFetches = fetched.urls.length - (isUrl(options.source) ? 1 : 0)
    lines.push(
      `fetched ${fetched.urls.length} URL(s) (${logFetches} from the log), ${fetched.bytes.toLocaleString('en-US')} bytes`,
      verdict,
    )
    return { ok, lines, fetched }
  }
  if (boxes.length === 0) return finish(false, 'NOT PROVED: the page has no disclaimer box (data-disclaimer-version)')
  const files = logFiles(logBase(site), fetched)
  const served = await servedCheckpoint(files, options.trust, origin)
  lines.push(...served.lines)
  if (!served.ok)
    return finish(
      false,
      'NOT PROVED: no box is proved without the log’s checkpoint signed by your key (and cosigned as --quorum asks)',
    )
  const tree = served.trusted.checkpoint
  let proved = 0
  for (const box of boxes) {
    const said = await proveBox(box, tree, files.file)
    lines.push(`${boxName(box)}${said.ok ? '' : ' NOT PROVED'}: ${said.line}`)
    if (said.ok) proved++
  }
  const all = proved === boxes.length
  return finish(
    all,
    all
      ? `PROVED: the text of every box on the page (${proved}) is an entry of the log in the checkpoint above`
      : `NOT PROVED: ${boxes.length - proved} of ${boxes.length} box(es) do not hold`,
  )
}

async function proveBox(
  box: PageBox,
  tree: { size: number; root: Uint8Array },
  file: (path: string) => Promise<Uint8Array>,
): Promise<{ ok: boolean; line: string }> {
  if (box.logIndex === null) {
    return { ok: false, line: 'it names no log entry (no data-log-index): the log cannot prove what it shows' }
  }
  if (!/^(?:0|[1-9][0-9]{0,15})$/.test(box.logIndex) || !Number.isSafeInteger(Number(box.logIndex))) {
    return { ok: false, line: `data-log-index ${JSON.stringify(printable(box.logIndex))} is not an entry number` }
  }
  const index = Number(box.logIndex)
  const entry = await proveEntry(tree, index, file)
  if (!entry.ok) return { ok: false, line: printable(entry.problem) }
  const read = readVersion(entry.entry)
  if (!read.ok)
    return { ok: false, line: `entry ${index} (${entry.bundle}) cannot be read: ${printable(read.problem)}` }
  const { version } = read
  if (!version)
    return { ok: false, line: `entry ${index} is a row of ${printable(read.table)}, not a disclaimer's version` }
  if (box.key !== null && version.key !== box.key) {
    return {
      ok: false,
      line: `entry ${index} is a version of ${printable(version.key)}, not of ${printable(box.key)}`,
    }
  }
  if (box.version !== `v${version.version}`) {
    return {
      ok: false,
      line: `entry ${index} is version v${version.version}, but the box says ${printable(box.version ?? 'none')}`,
    }
  }
  if (version.text === null) {
    return {
      ok: false,
      line: `entry ${index} shows no text (a key deleted around the ledger, or a text the rule refuses, which pages never show)`,
    }
  }
  const match = matchText(box, version.text)
  if (!match.ok) return { ok: false, line: `the text on the page is not entry ${index}: ${printable(match.problem)}` }
  const path = [entry.bundle, ...entry.tiles].join(', ')
  return {
    ok: true,
    line: `the text on the page is entry ${index} (v${version.version}), included in the tree of ${tree.size} (from ${path})`,
  }
}
