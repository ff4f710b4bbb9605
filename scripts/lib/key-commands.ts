// The disclaimer CLI's commands that make a key and send nothing: an editor's token, a LEDGER_SECRET, a log key.
import { EDITOR_NAME, newToken, tokenHash } from '../../src/core/editors.ts'
import { LEDGER_SECRET_MIN_BYTES, ledgerSecretProblem, newLedgerSecret } from '../../src/core/kv-contract.ts'
import { generateKeyPair, isKeyName } from '../../src/core/log/note-keys.ts'
import { logOrigin } from '../../src/core/log-config.ts'
import { isPlaceholder } from '../../src/core/settings.ts'
import { printable } from '../../src/core/validate.ts'
import { CliError } from './cli-error.ts'

/** Prints a fresh token (give it to the editor, privately) and the line for EDITORS, which holds only its hash. */
export async function newEditor(name: string | undefined): Promise<void> {
  if (!name || !EDITOR_NAME.test(name)) {
    throw new CliError(
      'editor needs a name: their email if they use the console through Access, e.g. alice@example.org',
      2,
    )
  }
  const token = newToken()
  console.log(`token for ${name} (give it to them privately; it is not stored anywhere):\n${token}`)
  console.log(`entry for the EDITORS secret:\n${JSON.stringify({ [name]: await tokenHash(token) })}`)
}

/** Prints a fresh LEDGER_SECRET and how to store it; rotating it is explained in docs/operations.md. */
export function newSecret(): void {
  const secret = newLedgerSecret()
  const problem = ledgerSecretProblem(secret)
  if (problem) throw new CliError(problem)
  console.log(
    `a new LEDGER_SECRET (${LEDGER_SECRET_MIN_BYTES} random bytes as hex; keep it private, it is not stored anywhere):`,
  )
  console.log(secret)
  console.log(
    'store it with: npx wrangler secret put LEDGER_SECRET --env <environment> (paste it when asked); locally, npm start writes its own into .dev.vars',
  )
  console.log(
    'setting a new one rotates it: pages name no ledger version until the next cron run (within a minute) signs each current text again (docs/operations.md)',
  )
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
