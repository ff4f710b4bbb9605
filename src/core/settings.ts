// Every setting's rule, once: the deploy check judges wrangler.toml with these, and the Worker judges what it runs
// with. Each problem is a sentence that names the setting, what is wrong with it, and what to put there instead.
import { EMAIL_ADDRESS, editorsFrom } from './editors.ts'
import { ledgerSecretProblem } from './kv-contract.ts'
import { parseWitnesses, signingKeyProblem } from './log-config.ts'
import { isTimeZone } from './time.ts'

/** The cron that records edits made around the ledger: every minute. */
export const RECONCILE_CRON = '* * * * *'
/** The cron that copies the whole record to the BACKUPS bucket: once a day, at 03:17 UTC. */
export const BACKUP_CRON = '17 3 * * *'
/** The Worker's rate limiters ([[ratelimits]]): failed sign-ins per client address, changes per editor. */
export const RATE_LIMITERS = ['AUTH_FAILURES', 'EDITOR_WRITES'] as const
/** Secrets every deployed environment needs (`[secrets] required`); wrangler refuses a deploy while one is unset. */
export const REQUIRED_SECRETS = ['EDITORS', 'LEDGER_SECRET', 'LOG_SIGNING_KEY'] as const
/** A session secret shorter than this could be guessed; `npm start` makes 43 characters. */
export const MIN_SESSION_SECRET_LENGTH = 32

const EXAMPLE_ORIGIN = 'https://kratom.example.org'
const PLACEHOLDER = /replace[-_]with|\.invalid(?:$|[/:?#>])/i
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])
const AUD = /^[0-9a-f]{64}$/

function quoted(value: unknown): string {
  return JSON.stringify(typeof value === 'string' ? value : (value ?? ''))
}

/** True for a value still holding one of wrangler.toml's placeholders: `replace-with-…`, or a host under `.invalid`. */
export function isPlaceholder(value: unknown): boolean {
  return typeof value === 'string' && PLACEHOLDER.test(value)
}

function parsedUrl(value: string): URL | undefined {
  try {
    return new URL(value)
  } catch {
    return undefined
  }
}

/**
 * Why `value` is not a bare `https://` origin (`http://` only for localhost), or undefined when it is. `name` is the
 * setting's, `example` an origin to suggest.
 */
function originProblem(name: string, value: unknown, example: string, allowLoopbackHttp: boolean): string | undefined {
  const text = typeof value === 'string' ? value : ''
  if (text === '') return `${name} is empty; set it to an address such as "${example}" (no path, no trailing slash)`
  if (isPlaceholder(text))
    return `${name} is ${quoted(text)}, a placeholder; put the real address there, e.g. "${example}"`
  const url = parsedUrl(text)
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    const bare = /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(text)
    return bare
      ? `${name} is ${quoted(text)}; put https:// in front of it: "https://${text.toLowerCase()}"`
      : `${name} is ${quoted(text)}, not an https:// address; set it to one such as "${example}"`
  }
  if (url.protocol === 'http:' && !(allowLoopbackHttp && LOOPBACK.has(url.hostname))) {
    return `${name} is ${quoted(text)}; use https:// (plain http is only for localhost): "https://${url.host}"`
  }
  if (url.origin === text) return undefined
  if (`${url.origin}/` === text)
    return `${name} is ${quoted(text)}, which ends with a slash; remove it: "${url.origin}"`
  return `${name} is ${quoted(text)}; keep only the origin, with no path, query or trailing slash: "${url.origin}"`
}

/** SITE_ORIGIN: the address pages are served from, for canonical links, the sitemap, messages and the CLI. */
export function siteOriginProblem(value: unknown): string | undefined {
  return originProblem('SITE_ORIGIN', value, EXAMPLE_ORIGIN, true)
}

/**
 * The origin to build links with: SITE_ORIGIN when it is one, else the origin it plainly means (`https://x.org/` or
 * `https://x.org/path` → `https://x.org`), else undefined. A problem with it is reported, never thrown.
 */
export function usableSiteOrigin(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined
  const url = parsedUrl(value)
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) return undefined
  return url.origin
}

/** The host an origin is served on (`https://kratom.example.org` → `kratom.example.org`), if it is one. */
export function hostOf(origin: unknown): string | undefined {
  const usable = usableSiteOrigin(origin)
  return usable ? new URL(usable).host : undefined
}

/**
 * ACCESS_TEAM_DOMAIN and ACCESS_AUD, together: both empty means no Cloudflare Access (the console then signs in with
 * tokens, locally); `required` (staging, production) means both must be set. Each problem says what to copy from where.
 */
export function accessProblems(team: unknown, aud: unknown, { required = false } = {}): string[] {
  const [teamText, audText] = [typeof team === 'string' ? team : '', typeof aud === 'string' ? aud : '']
  if (teamText === '' && audText === '') {
    return required
      ? [
          'ACCESS_TEAM_DOMAIN and ACCESS_AUD are empty, so nobody can sign in to the console; set both from your ' +
            'Cloudflare Access application (docs/operations.md, "Cloudflare Access")',
        ]
      : []
  }
  const problems: string[] = []
  const teamProblem =
    teamText === ''
      ? 'ACCESS_TEAM_DOMAIN is empty while ACCESS_AUD is set; put your Zero Trust team domain there, with https:// in front'
      : originProblem('ACCESS_TEAM_DOMAIN', teamText, 'https://<your-team-name>.<Access team domain>', false)
  if (teamProblem) problems.push(teamProblem)
  if (audText === '') {
    problems.push(
      "ACCESS_AUD is empty while ACCESS_TEAM_DOMAIN is set; copy the Access application's Application Audience (AUD) Tag there",
    )
  } else if (isPlaceholder(audText) || !AUD.test(audText)) {
    problems.push(
      `ACCESS_AUD is ${quoted(audText)}, not an audience tag (64 hexadecimal digits); copy the Application Audience ` +
        "(AUD) Tag from the Access application's Overview",
    )
  }
  return problems
}

/** EMAIL_FROM: the sender, one plain address at a domain onboarded to Email Service. */
export function emailFromProblem(value: unknown): string | undefined {
  const text = typeof value === 'string' ? value.trim() : ''
  const fix = 'set it to one address at your onboarded sending domain, e.g. "disclaimers@kratom.example.org"'
  if (text === '') return `EMAIL_FROM is empty, so no message can be sent; ${fix}`
  if (isPlaceholder(text)) return `EMAIL_FROM is ${quoted(value)}, a placeholder; ${fix}`
  if (!EMAIL_ADDRESS.test(text)) return `EMAIL_FROM is ${quoted(value)}, not an address; ${fix}`
  return undefined
}

/** OPERATORS_EMAIL: one address, or several separated by commas; every one of them an address. */
export function operatorsEmailProblem(value: unknown): string | undefined {
  const entries = (typeof value === 'string' ? value : '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  const fix = 'set it to the operators\' address, or several separated by commas, e.g. "operators@kratom.example.org"'
  if (entries.length === 0) return `OPERATORS_EMAIL is empty, so nobody would be told of trouble; ${fix}`
  const bad = entries.filter((entry) => isPlaceholder(entry) || !EMAIL_ADDRESS.test(entry))
  if (bad.length === 0) return undefined
  return `OPERATORS_EMAIL holds ${bad.map((entry) => quoted(entry)).join(', ')}, ${bad.length === 1 ? 'not an address' : 'not addresses'}; ${fix}`
}

/** SITE_TIME_ZONE: an IANA zone the runtime knows. */
export function timeZoneProblem(value: unknown): string | undefined {
  if (typeof value === 'string' && isTimeZone(value)) return undefined
  return `SITE_TIME_ZONE is ${quoted(value)}, not an IANA time zone; put the publisher's zone there, e.g. "America/New_York" (times are shown in UTC until then)`
}

/** REQUIRE_APPROVAL: "true" or "false", nothing else. */
export function requireApprovalProblem(value: unknown): string | undefined {
  if (value === 'true' || value === 'false') return undefined
  return `REQUIRE_APPROVAL is ${quoted(value)}; set it to "true" (every change needs a second editor) or "false" (until then, every change needs one)`
}

/** Whether changes need a second editor: only an exact "false" turns the rule off, so a mistyped value keeps it on. */
export function approvalRequired(value: unknown): boolean {
  return value !== 'false'
}

/** What the Worker is given at run time, as far as the rules look at it (a subset of Env, typed loosely on purpose). */
export interface RuntimeSettings {
  SITE_ORIGIN?: unknown
  ACCESS_TEAM_DOMAIN?: unknown
  ACCESS_AUD?: unknown
  EMAIL_FROM?: unknown
  OPERATORS_EMAIL?: unknown
  SITE_TIME_ZONE?: unknown
  REQUIRE_APPROVAL?: unknown
  EDITORS?: unknown
  SESSION_SECRET?: unknown
  LEDGER_SECRET?: unknown
  LOG_SIGNING_KEY?: unknown
  LOG_WITNESSES?: unknown
  ALERT_WEBHOOK_URL?: unknown
  ALERT_WEBHOOK_SECRET?: unknown
  EMAIL?: unknown
  DISCLAIMERS?: unknown
  LEDGER?: unknown
  AUTH_FAILURES?: unknown
  EDITOR_WRITES?: unknown
  BACKUPS?: unknown
}

/** Why the console cannot sign anyone in, or undefined when it can (Access configured, or a token sign-in locally). */
export function consoleSignInProblem(env: RuntimeSettings): string | undefined {
  const access = accessProblems(env.ACCESS_TEAM_DOMAIN, env.ACCESS_AUD)
  if (access.length > 0) return access.join('; ')
  if (env.ACCESS_TEAM_DOMAIN) return undefined
  const secret = typeof env.SESSION_SECRET === 'string' ? env.SESSION_SECRET : ''
  if (secret.length >= MIN_SESSION_SECRET_LENGTH) return undefined
  return (
    'ACCESS_TEAM_DOMAIN and ACCESS_AUD are empty and there is no SESSION_SECRET of at least ' +
    `${MIN_SESSION_SECRET_LENGTH} characters, so nobody can sign in to the console; set up Cloudflare Access ` +
    '(docs/operations.md, "Cloudflare Access")'
  )
}

function bindingProblems(env: RuntimeSettings): string[] {
  const missing = (name: string, what: string) => (env[name as keyof RuntimeSettings] ? [] : [`${what}`])
  return [
    ...missing(
      'DISCLAIMERS',
      'there is no DISCLAIMERS KV binding: pages show the bundled defaults; add the kv_namespaces entry',
    ),
    ...missing(
      'LEDGER',
      'there is no LEDGER Durable Object binding, so nothing can be changed; add the durable_objects entry',
    ),
    ...missing('EMAIL', 'there is no EMAIL binding, so no message can be sent; add send_email = [{ name = "EMAIL" }]'),
    ...RATE_LIMITERS.flatMap((name) =>
      missing(name, `there is no ${name} rate limiter, so that limit is not kept; add its [[ratelimits]] entry`),
    ),
    ...missing(
      'BACKUPS',
      'there is no BACKUPS R2 binding, so no daily copy of the record is made; add its r2_buckets entry',
    ),
  ]
}

function webhookProblem(env: RuntimeSettings): string | undefined {
  const url = typeof env.ALERT_WEBHOOK_URL === 'string' ? env.ALERT_WEBHOOK_URL : ''
  const secret = typeof env.ALERT_WEBHOOK_SECRET === 'string' ? env.ALERT_WEBHOOK_SECRET : ''
  if (url === '' && secret === '') return undefined
  if (url === '')
    return 'ALERT_WEBHOOK_SECRET is set but ALERT_WEBHOOK_URL is not; set the URL too, or delete the secret'
  if (!url.startsWith('https://'))
    return 'ALERT_WEBHOOK_URL is not an https:// address, so nothing is sent to it; put it again'
  if (secret === '')
    return 'ALERT_WEBHOOK_URL is set but ALERT_WEBHOOK_SECRET is not, so nothing is sent to it; put the secret'
  return undefined
}

/**
 * Every problem with the settings the Worker runs with, in a fixed order. Pages are served whatever this says; the
 * console shows it to editors and `GET /admin/settings` to operators.
 */
export function settingsProblems(env: RuntimeSettings): string[] {
  const editors = editorsFrom(typeof env.EDITORS === 'string' ? env.EDITORS : undefined)
  const optional = [
    siteOriginProblem(env.SITE_ORIGIN),
    consoleSignInProblem(env),
    emailFromProblem(env.EMAIL_FROM),
    operatorsEmailProblem(env.OPERATORS_EMAIL),
    timeZoneProblem(env.SITE_TIME_ZONE),
    requireApprovalProblem(env.REQUIRE_APPROVAL),
    editors.ok ? undefined : `${editors.reason} (nobody can sign in until it is fixed: wrangler secret put EDITORS)`,
    ledgerSecretProblem(typeof env.LEDGER_SECRET === 'string' ? env.LEDGER_SECRET : undefined),
    webhookProblem(env),
    signingKeyProblem(env.LOG_SIGNING_KEY),
  ]
  const witnesses = parseWitnesses(env.LOG_WITNESSES)
  return [
    ...optional.filter((problem): problem is string => problem !== undefined),
    ...(witnesses.ok ? [] : witnesses.problems),
    ...bindingProblems(env),
  ]
}

const logged = new Set<string>()

/** Logs each problem once per isolate, as an error: `configuration problem`, with the sentence. */
export function logSettingsProblems(problems: readonly string[]): void {
  for (const problem of problems) {
    if (logged.has(problem)) continue
    logged.add(problem)
    console.error('configuration problem', { problem })
  }
}
