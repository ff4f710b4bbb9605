// The disclaimer CLI's checks of the public log: verify-page and verify --checkpoint. Nothing is sent but GET
// requests for a page and the log's files; no token, no --local or --env.
import { generateKeyPair, isKeyName } from '../../src/core/log/note-keys.ts'
import { logOrigin } from '../../src/core/log-config.ts'
import { isPlaceholder } from '../../src/core/settings.ts'
import { printable } from '../../src/core/validate.ts'
import { CliError } from './admin-client.ts'
import { readTrust } from './log-trust.ts'
import { verifyCheckpoint } from './verify-checkpoint.ts'
import { type Outcome, verifyPage } from './verify-page.ts'

export const LOG_USAGE = `the public log (anyone can run these; see docs/ledger.md, "Checking the log")
  verify-page <url or .html file> --key K [--witness W]... [--quorum N] [--site S]
                                prove that each disclaimer on a page is the log entry it names, in a checkpoint
                                signed by K: the log's verifier key as docs/ledger.md publishes it (or a file
                                holding it), never one the site serves. W: a witness's verifier key; N of them
                                must have cosigned (1 by default when any is given). S: whose log, by default
                                the page's site
  verify --checkpoint F --key K [--witness W]... [--quorum N] [--site S]
                                prove from the log's tiles that it extends the signed checkpoint in F (saved, or a
                                message the ledger sent, pasted or raw); a rewritten log fails. No export needed
  exit codes: 0 proved, 1 not proved, 2 a usage error`

export interface LogOptions {
  key?: string
  witness?: string[]
  quorum?: string
  site?: string
  checkpoint?: string
}

function report(outcome: Outcome): void {
  for (const line of outcome.lines.slice(0, -1)) console.log(line)
  const verdict = outcome.lines.at(-1) ?? ''
  if (!outcome.ok) throw new CliError(verdict, 1)
  console.log(verdict)
}

export async function verifyPageCommand(source: string | undefined, options: LogOptions): Promise<void> {
  if (!source) throw new CliError('verify-page needs a page: its URL, or a saved .html file', 2)
  const trust = readTrust(options)
  report(await verifyPage({ source, trust, ...(options.site === undefined ? {} : { site: options.site }) }))
}

export async function verifyCheckpointCommand(options: LogOptions): Promise<void> {
  const file = options.checkpoint
  if (!file) throw new CliError('--checkpoint needs a file: a saved checkpoint, or a message the ledger sent', 2)
  const trust = readTrust(options)
  report(await verifyCheckpoint({ file, trust, ...(options.site === undefined ? {} : { site: options.site }) }))
}

/**
 * The log key's name for a site given as its host (`kratom.example.org`) or its origin (`https://…`): the log's origin,
 * as the ledger signs it (src/core/log-config.ts), so the key's name and the checkpoint's first line are one.
 */
export function logKeyName(site: string | undefined): string {
  const usage = "log-key needs the site's host (e.g. kratom.example.org) or its SITE_ORIGIN, or --env <environment>"
  if (!site || /\s/.test(site)) throw new CliError(usage, 2)
  let url: URL
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(site) ? site : `https://${site}`)
  } catch {
    throw new CliError(`${usage}, not "${printable(site)}"`, 2)
  }
  const name = logOrigin(url.origin)
  if (url.pathname !== '/' || url.search || url.hash || !isKeyName(name))
    throw new CliError(`${usage}, not "${printable(site)}"`, 2)
  return name
}

/** The site whose log key `log-key` makes: the host given, or the SITE_ORIGIN of `--env`'s environment. */
async function logKeySite(site: string | undefined, env: string | undefined): Promise<string | undefined> {
  if (site !== undefined || env === undefined) return site
  const { isEnvironment, siteOriginOf } = await import('./environments.ts')
  if (!isEnvironment(env)) throw new CliError(`--env names no environment of wrangler.toml: "${printable(env)}"`, 2)
  const origin = siteOriginOf(env)
  if (isPlaceholder(origin)) {
    throw new CliError(
      `${env}'s SITE_ORIGIN is still a placeholder (${origin}); set its host in wrangler.toml first`,
      2,
    )
  }
  return origin
}

/** Prints a new LOG_SIGNING_KEY named for the site's log and its verifier key (Go's sumdb/note formats). */
export async function newLogKey(site: string | undefined, env?: string): Promise<void> {
  const name = logKeyName(await logKeySite(site, env))
  const { signerKey, verifierKey } = await generateKeyPair(name)
  console.log(`the log's origin, and so the key's name: ${name}`)
  console.log('a new LOG_SIGNING_KEY (keep it private, it is not stored anywhere):')
  console.log(signerKey)
  console.log('store it with: npx wrangler secret put LOG_SIGNING_KEY --env <environment> (paste it when asked)')
  console.log('its verifier key (public: publish it in docs/ledger.md; the site serves it at /log/key):')
  console.log(verifierKey)
}
