// `npm run disclaimer -- verify --checkpoint <file>`: proves from the log's tiles alone that the log served now
// extends a checkpoint kept from earlier (a file, or a whole message the ledger sent), or says loudly that it does
// not: a log that no longer extends a checkpoint it signed has rewritten its history.
import { readFileSync } from 'node:fs'
import PostalMime from 'postal-mime'
import { findCheckpointNotes } from '../../src/core/log/checkpoint-block.ts'
import { openServedCheckpoint, proveExtension, type TrustedCheckpoint } from '../../src/core/log/log-client.ts'
import { printable } from '../../src/core/validate.ts'
import { CliError } from './cli-error.ts'
import { type Fetched, logBase, logFiles } from './log-fetch.ts'
import { type LogTrust, logOrigin, servedCheckpoint } from './log-trust.ts'
import type { Outcome } from './verify-page.ts'

export interface VerifyCheckpointOptions {
  file: string
  trust: LogTrust
  /** The site whose log to check; by default https://<host> of the checkpoint's origin. */
  site?: string
}

const LOG_SUFFIX = '/disclaimer-log'

/** The signed checkpoints in a file: a note as saved, or a message (raw, with its headers, or its text pasted). */
export async function checkpointsIn(content: string): Promise<string[]> {
  const found = findCheckpointNotes(content)
  // A raw message may carry its text quoted-printable or base64: read it as a mail client would, too.
  if (/^[A-Za-z0-9-]+:[ \t]/.test(content) && /\r?\n\r?\n/.test(content)) {
    const email = await PostalMime.parse(content)
    for (const note of findCheckpointNotes(email.text ?? '')) if (!found.includes(note)) found.push(note)
  }
  return found
}

function siteOf(origin: string, site: string | undefined): string {
  if (site !== undefined) {
    if (!URL.canParse(site) || !/^https?:/.test(site))
      throw new CliError(`--site must be a URL, not ${printable(site)}`, 2)
    return site
  }
  if (!origin.endsWith(LOG_SUFFIX)) {
    throw new CliError(
      `the checkpoint's log is ${printable(origin)}, not <host>${LOG_SUFFIX}: say where it is served with --site <origin>`,
      2,
    )
  }
  return `https://${origin.slice(0, -LOG_SUFFIX.length)}`
}

function describe(what: string, trusted: TrustedCheckpoint): string {
  const { origin, size, root } = trusted.checkpoint
  const witnesses = trusted.witnesses.filter((seen) => seen.cosigned).map((seen) => seen.key)
  return `${what}: ${origin}, ${size} entries, root ${Buffer.from(root).toString('base64')}; signed by the log key you gave${witnesses.length ? `, cosigned by ${witnesses.join(', ')}` : ''}`
}

/** Proves that the log served now extends every checkpoint in the file. */
export async function verifyCheckpoint(options: VerifyCheckpointOptions): Promise<Outcome> {
  let content: string
  try {
    content = readFileSync(options.file, 'utf8')
  } catch {
    throw new CliError(`cannot read ${options.file}`, 2)
  }
  const notes = await checkpointsIn(content)
  if (notes.length === 0) {
    throw new CliError(
      `${options.file} holds no signed checkpoint (an origin line, a size, a base64 root, a blank line, then “— ” signature lines)`,
      2,
    )
  }
  const fetched: Fetched = { urls: [], bytes: 0 }
  const lines: string[] = []
  const finish = (ok: boolean, verdict: string): Outcome => {
    lines.push(`fetched ${fetched.urls.length} URL(s), ${fetched.bytes.toLocaleString('en-US')} bytes`, verdict)
    return { ok, lines, fetched }
  }
  const older: TrustedCheckpoint[] = []
  for (const [at, note] of notes.entries()) {
    const expected = options.site === undefined ? undefined : logOrigin(options.site)
    const opened = await openServedCheckpoint(note, options.trust, expected)
    const name = `checkpoint ${at + 1} in ${options.file}`
    if (!opened.ok) lines.push(`${name} is not used: ${printable(opened.problem)}`)
    else {
      older.push(opened.trusted)
      lines.push(describe(name, opened.trusted))
    }
  }
  if (older.length === 0) {
    return finish(false, `NOT PROVED: no checkpoint in ${options.file} is signed by the log key you gave`)
  }
  const origin = (older[0] as TrustedCheckpoint).checkpoint.origin
  const files = logFiles(logBase(siteOf(origin, options.site)), fetched)
  const served = await servedCheckpoint(files, options.trust, origin)
  lines.push(...served.lines)
  if (!served.ok)
    return finish(
      false,
      'NOT PROVED: nothing is proved without the log’s checkpoint signed by your key (and cosigned as --quorum asks)',
    )
  const newer = served.trusted.checkpoint
  let rewritten = false
  let unread = false
  for (const old of older) {
    const extension = await proveExtension(old.checkpoint, newer, files.file)
    const sizes = `your checkpoint of ${old.checkpoint.size} entries`
    if (extension.ok) {
      const from = extension.tiles.length
        ? `, a proof of ${extension.proof.length} hash(es) from ${extension.tiles.join(', ')}`
        : ''
      lines.push(`the log now (${newer.size} entries) extends ${sizes}${from}`)
    } else if (extension.rewritten) {
      rewritten = true
      lines.push(
        `THE LOG WAS REWRITTEN: it does not extend ${sizes}: ${printable(extension.problem)}. Keep ${options.file} and a copy of ${files.base}checkpoint: together they are the evidence.`,
      )
    } else {
      unread = true
      lines.push(`could not check ${sizes}: ${printable(extension.problem)}`)
    }
  }
  if (rewritten) return finish(false, `NOT PROVED: the log served at ${files.base} rewrote its history`)
  if (unread) return finish(false, 'NOT PROVED: the log could not be read; nothing was proved either way')
  return finish(true, `PROVED: the log at ${files.base} extends every checkpoint in ${options.file} (${older.length})`)
}
