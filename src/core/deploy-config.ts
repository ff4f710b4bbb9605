// What a deployable environment of wrangler.toml must hold, judged before a deploy: its settings by the rules the
// Worker runs with (settings.ts), and its bindings, hostname, crons and secrets by the rules below. Each problem names
// where in wrangler.toml it is and what to put there; one that only a placeholder causes is marked so, since the
// committed file keeps placeholders for every account-specific value.
import {
  accessProblems,
  BACKUP_CRON,
  emailFromProblem,
  hostOf,
  isPlaceholder,
  operatorsEmailProblem,
  RATE_LIMITERS,
  RECONCILE_CRON,
  REQUIRED_SECRETS,
  requireApprovalProblem,
  siteOriginProblem,
  timeZoneProblem,
} from './settings.ts'

/** One environment of wrangler.toml as wrangler resolves it (`--env <name>`; `''` for the top level). */
export interface EnvironmentConfig {
  name: string
  vars: Record<string, unknown>
  kvNamespaces: { binding: string; id?: string }[]
  durableObjects: { name: string; class_name: string }[]
  sendEmail: { name: string }[]
  /** The binding `version_metadata` gives, when the environment has one. */
  versionMetadata: string | undefined
  ratelimits: { name: string; namespace_id?: string; simple?: { limit?: number; period?: number } }[]
  r2Buckets: { binding: string; bucket_name?: string }[]
  routes: unknown[]
  crons: string[]
  secretsRequired: string[]
  workersDev: boolean | undefined
  sqliteClasses: string[]
}

export interface DeployProblem {
  message: string
  /** Caused only by a placeholder the committed wrangler.toml keeps on purpose: the deploy refuses it, the check not. */
  placeholder: boolean
}

const KV_ID = /^[0-9a-f]{32}$/
const NAMESPACE_ID = /^[1-9][0-9]{0,9}$/
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/
const LEDGER_CLASS = 'DisclaimerLedger'

function section(config: EnvironmentConfig): string {
  return config.name ? `[env.${config.name}]` : 'the top level'
}

function varsProblems(config: EnvironmentConfig): DeployProblem[] {
  const { vars } = config
  const at = `${section(config)} vars`
  const judged: [unknown, string | undefined][] = [
    [vars.SITE_ORIGIN, siteOriginProblem(vars.SITE_ORIGIN)],
    [vars.EMAIL_FROM, emailFromProblem(vars.EMAIL_FROM)],
    [vars.OPERATORS_EMAIL, operatorsEmailProblem(vars.OPERATORS_EMAIL)],
    [vars.SITE_TIME_ZONE, timeZoneProblem(vars.SITE_TIME_ZONE)],
    [vars.REQUIRE_APPROVAL, requireApprovalProblem(vars.REQUIRE_APPROVAL)],
  ]
  const problems = judged.flatMap(([value, problem]) =>
    problem ? [{ message: `${at} ${problem}`, placeholder: isPlaceholder(value) }] : [],
  )
  const origin = typeof vars.SITE_ORIGIN === 'string' ? vars.SITE_ORIGIN : ''
  if (config.name && !siteOriginProblem(origin) && !origin.startsWith('https://')) {
    problems.push({
      message: `${at} SITE_ORIGIN is ${JSON.stringify(origin)}; a deployed site is served over https://: "https://${hostOf(origin)}"`,
      placeholder: false,
    })
  }
  const access = accessProblems(vars.ACCESS_TEAM_DOMAIN, vars.ACCESS_AUD, { required: config.name !== '' })
  const accessPlaceholder = isPlaceholder(vars.ACCESS_TEAM_DOMAIN) || isPlaceholder(vars.ACCESS_AUD)
  for (const problem of access) problems.push({ message: `${at} ${problem}`, placeholder: accessPlaceholder })
  return problems
}

function kvProblems(config: EnvironmentConfig): DeployProblem[] {
  const create = `run \`npx wrangler kv namespace create DISCLAIMERS${config.name ? ` --env ${config.name}` : ''}\` and put the id it prints there`
  const namespace = config.kvNamespaces.find((entry) => entry.binding === 'DISCLAIMERS')
  if (!namespace) {
    return [
      {
        message: `${section(config)} has no kv_namespaces entry with binding "DISCLAIMERS"; ${create}`,
        placeholder: false,
      },
    ]
  }
  const id = namespace.id ?? ''
  if (!config.name || KV_ID.test(id)) return []
  const what = isPlaceholder(id) ? '' : ' (a KV namespace id is 32 hexadecimal digits)'
  return [
    {
      message: `${section(config)} kv_namespaces DISCLAIMERS id is ${JSON.stringify(id)}${what}; ${create}`,
      placeholder: isPlaceholder(id),
    },
  ]
}

function bindingProblems(config: EnvironmentConfig): string[] {
  const problems: string[] = []
  const at = section(config)
  if (!config.durableObjects.some((binding) => binding.name === 'LEDGER' && binding.class_name === LEDGER_CLASS)) {
    problems.push(
      `${at} has no Durable Object binding LEDGER (class_name "${LEDGER_CLASS}"); add durable_objects = { bindings = [{ name = "LEDGER", class_name = "${LEDGER_CLASS}" }] }`,
    )
  }
  if (!config.sqliteClasses.includes(LEDGER_CLASS)) {
    problems.push(
      `wrangler.toml has no [[migrations]] entry with new_sqlite_classes = ["${LEDGER_CLASS}"]; restore it (never edit or remove a past migration)`,
    )
  }
  if (!config.sendEmail.some((binding) => binding.name === 'EMAIL')) {
    problems.push(
      `${at} has no send_email binding EMAIL, so nobody would be told of changes; add send_email = [{ name = "EMAIL" }]`,
    )
  }
  if (config.versionMetadata !== 'CF_VERSION_METADATA') {
    problems.push(
      `${at} has no version_metadata binding CF_VERSION_METADATA, so the record could not say which deploy served a page's words; add version_metadata = { binding = "CF_VERSION_METADATA" }`,
    )
  }
  for (const name of RATE_LIMITERS) {
    const limiter = config.ratelimits.find((entry) => entry.name === name)
    if (!limiter) {
      problems.push(`${at} has no ratelimits entry named ${name}; add it with a namespace_id no other environment uses`)
      continue
    }
    if (!NAMESPACE_ID.test(limiter.namespace_id ?? '')) {
      problems.push(
        `${at} ratelimits ${name} namespace_id is ${JSON.stringify(limiter.namespace_id ?? '')}; it must be a positive whole number, e.g. "2001"`,
      )
    }
    const { limit, period } = limiter.simple ?? {}
    if (!Number.isInteger(limit) || (limit as number) < 1 || (period !== 10 && period !== 60)) {
      problems.push(
        `${at} ratelimits ${name} has simple = ${JSON.stringify(limiter.simple ?? {})}; it needs a whole limit of at least 1 and a period of 10 or 60 (seconds)`,
      )
    }
  }
  const backups = config.r2Buckets.find((entry) => entry.binding === 'BACKUPS')
  if (!backups) {
    problems.push(
      `${at} has no r2_buckets entry with binding "BACKUPS", so no daily copy of the record is kept; add one (docs/operations.md, "Backups")`,
    )
  }
  for (const cron of [RECONCILE_CRON, BACKUP_CRON]) {
    if (!config.crons.includes(cron)) {
      problems.push(
        `${at} triggers crons lacks "${cron}" (${cron === RECONCILE_CRON ? 'recording edits made around the ledger' : 'the daily copy of the record'}); crons = ["${RECONCILE_CRON}", "${BACKUP_CRON}"]`,
      )
    }
  }
  for (const secret of REQUIRED_SECRETS) {
    if (!config.secretsRequired.includes(secret)) {
      problems.push(
        `${at} secrets.required lacks "${secret}", so wrangler would deploy without it; secrets = { required = [${REQUIRED_SECRETS.map((name) => `"${name}"`).join(', ')}] }`,
      )
    }
  }
  return problems
}

/** The one hostname a deployed environment is attached to: a custom domain that is SITE_ORIGIN's host. */
function hostnameProblems(config: EnvironmentConfig): DeployProblem[] {
  const at = section(config)
  const wanted = hostOf(config.vars.SITE_ORIGIN)
  const example = `routes = [{ pattern = "${wanted ?? 'kratom.example.org'}", custom_domain = true }]`
  const domains = config.routes.filter(
    (route): route is { pattern: string; custom_domain: true } =>
      typeof route === 'object' && route !== null && (route as { custom_domain?: unknown }).custom_domain === true,
  )
  if (domains.length !== 1 || config.routes.length !== 1) {
    return [
      {
        message: `${at} must attach the Worker to exactly one custom domain, the host of SITE_ORIGIN: ${example}`,
        placeholder: false,
      },
    ]
  }
  const pattern = (domains[0] as { pattern: string }).pattern
  if (isPlaceholder(pattern)) {
    return [
      {
        message: `${at} routes pattern is ${JSON.stringify(pattern)}, a placeholder; put the site's hostname there: ${example}`,
        placeholder: true,
      },
    ]
  }
  if (!HOSTNAME.test(pattern)) {
    return [
      {
        message: `${at} routes pattern is ${JSON.stringify(pattern)}; a custom domain is a lower-case hostname alone (no scheme, path or *): ${example}`,
        placeholder: false,
      },
    ]
  }
  if (wanted !== undefined && pattern !== wanted) {
    return [
      {
        message: `${at} routes pattern is ${JSON.stringify(pattern)} but SITE_ORIGIN's host is "${wanted}"; make them the same hostname`,
        placeholder: isPlaceholder(config.vars.SITE_ORIGIN),
      },
    ]
  }
  return []
}

/** A deployed site answers on its hostname alone: on workers.dev it would sit outside the Access application. */
function workersDevProblems(config: EnvironmentConfig): DeployProblem[] {
  if (config.workersDev === false) return []
  return [
    {
      message: `${section(config)} leaves the Worker on workers.dev as well as its hostname; set workers_dev = false`,
      placeholder: false,
    },
  ]
}

/** Every problem of one environment; an empty list means it is ready to deploy. `name: ''` is the local top level. */
export function environmentProblems(config: EnvironmentConfig): DeployProblem[] {
  return [
    ...kvProblems(config),
    ...bindingProblems(config).map((message) => ({ message, placeholder: false })),
    ...varsProblems(config),
    ...(config.name ? [...hostnameProblems(config), ...workersDevProblems(config)] : []),
  ]
}

/**
 * What must differ between environments: each rate-limit namespace_id belongs to one environment's one limiter (or
 * failed sign-ins on staging would count against production), and each deployed environment keeps its own bucket.
 */
export function crossEnvironmentProblems(configs: readonly EnvironmentConfig[]): string[] {
  const problems: string[] = []
  const owners = new Map<string, string>()
  for (const config of configs) {
    for (const limiter of config.ratelimits) {
      const id = limiter.namespace_id ?? ''
      const owner = `${section(config)} ${limiter.name}`
      const earlier = owners.get(id)
      if (earlier)
        problems.push(`ratelimits namespace_id "${id}" is used by ${earlier} and by ${owner}; give each its own number`)
      else owners.set(id, owner)
    }
  }
  const buckets = new Map<string, string>()
  for (const config of configs.filter((entry) => entry.name)) {
    const name = config.r2Buckets.find((entry) => entry.binding === 'BACKUPS')?.bucket_name
    if (!name) continue
    const earlier = buckets.get(name)
    if (earlier)
      problems.push(
        `r2_buckets BACKUPS bucket "${name}" is used by ${earlier} and by ${section(config)}; give each its own bucket`,
      )
    else buckets.set(name, section(config))
  }
  return problems
}
