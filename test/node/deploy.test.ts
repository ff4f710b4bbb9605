import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import {
  configProblems,
  deployProblems,
  ENVIRONMENTS,
  environmentConfig,
  PROJECT_ROOT,
  workerNameOf,
} from '../../scripts/lib/environments.ts'

const run = promisify(execFile)
const scratch = mkdtempSync(join(tmpdir(), 'deploy-config-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
let written = 0

/** A fresh file name in the scratch directory. */
function scratchFile(): string {
  written += 1
  return join(scratch, `wrangler-${written}.toml`)
}

async function deploy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['scripts/deploy.ts', ...args], { cwd: PROJECT_ROOT })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

/** The committed wrangler.toml with each given text replaced (each must be there), written beside the project. */
function configWith(replacements: Record<string, string>): string {
  let text = readFileSync(join(PROJECT_ROOT, 'wrangler.toml'), 'utf8')
  for (const [from, to] of Object.entries(replacements)) {
    expect(text).toContain(from)
    text = text.replaceAll(from, to)
  }
  const path = scratchFile()
  writeFileSync(path, text.replace('main = "src/index.ts"', `main = "${join(PROJECT_ROOT, 'src/index.ts')}"`))
  return path
}

const PRODUCTION_HOST = 'kratom.example.org'
const AUD = '4714a2b5c3d8e9f0a1b2c3d4e5f607184714a2b5c3d8e9f0a1b2c3d4e5f60718'
/** Every placeholder production has, filled in with values of the right form. */
const PRODUCTION = {
  REPLACE_WITH_PRODUCTION_KV_NAMESPACE_ID: '0f2ac74b498b48028cb68387c421e279',
  'replace-with-production-hostname.invalid': PRODUCTION_HOST,
  'https://replace-with-your-team-domain.invalid': 'https://kratom-team.example.org',
  REPLACE_WITH_PRODUCTION_ACCESS_APPLICATION_AUD: AUD,
  'disclaimers@replace-with-your-sending-domain.invalid': 'disclaimers@kratom.example.org',
  'operators@replace-with-your-domain.invalid': 'operators@kratom.example.org',
}
const PRODUCTION_VARS = `SITE_ORIGIN = "https://${PRODUCTION_HOST}", REQUIRE_APPROVAL = "true"`

/** Production filled in, then each change made once in its section (`[env.production]` to the end). */
function productionWith(changes: Record<string, string> = {}): string[] {
  const path = configWith(PRODUCTION)
  const changed = scratchFile()
  const text = readFileSync(path, 'utf8')
  const start = text.indexOf('[env.production]')
  let section = text.slice(start)
  for (const [from, to] of Object.entries(changes)) {
    expect(section).toContain(from)
    section = section.replace(from, to)
  }
  writeFileSync(changed, text.slice(0, start) + section)
  return deployProblems('production', changed)
}

describe('npm run deploy:production', () => {
  it('refuses the committed config, names each value to fill in and how, and deploys nothing', async () => {
    const result = await deploy('production')
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('Refusing to deploy production: wrangler.toml is not ready for it.')
    expect(result.stderr).toContain(
      '[env.production] kv_namespaces DISCLAIMERS id is "REPLACE_WITH_PRODUCTION_KV_NAMESPACE_ID"; run `npx wrangler kv namespace create DISCLAIMERS --env production`',
    )
    expect(result.stderr).toContain(
      '[env.production] vars SITE_ORIGIN is "https://replace-with-production-hostname.invalid", a placeholder',
    )
    expect(result.stderr).toContain(
      '[env.production] routes pattern is "replace-with-production-hostname.invalid", a placeholder',
    )
    expect(result.stderr).toContain('Nothing was built or deployed.')
    // It stopped before the checks, the tests and wrangler.
    expect(result.stdout).not.toContain('== ')
  })

  it('refuses a bad environment name with the usage', async () => {
    const result = await deploy('prod')
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('usage: node scripts/deploy.ts <staging|production>')
  })
})

describe('deployProblems', () => {
  it('passes production once every placeholder is filled in with a value of the right form, and only then', () => {
    const idOnly = configWith({
      REPLACE_WITH_PRODUCTION_KV_NAMESPACE_ID: PRODUCTION.REPLACE_WITH_PRODUCTION_KV_NAMESPACE_ID,
    })
    expect(deployProblems('production', idOnly)).toEqual([
      expect.stringContaining(
        '[env.production] vars SITE_ORIGIN is "https://replace-with-production-hostname.invalid"',
      ),
      expect.stringContaining(
        '[env.production] vars EMAIL_FROM is "disclaimers@replace-with-your-sending-domain.invalid"',
      ),
      expect.stringContaining(
        '[env.production] vars OPERATORS_EMAIL holds "operators@replace-with-your-domain.invalid"',
      ),
      expect.stringContaining(
        '[env.production] vars ACCESS_TEAM_DOMAIN is "https://replace-with-your-team-domain.invalid"',
      ),
      expect.stringContaining('[env.production] vars ACCESS_AUD is "REPLACE_WITH_PRODUCTION_ACCESS_APPLICATION_AUD"'),
      expect.stringContaining('[env.production] routes pattern is "replace-with-production-hostname.invalid"'),
    ])
    const filled = configWith(PRODUCTION)
    expect(deployProblems('production', filled)).toEqual([])
    // Filling production leaves staging's own placeholders where they were: its id, origin, AUD and hostname.
    expect(deployProblems('staging', filled)).toEqual([
      expect.stringContaining('[env.staging] kv_namespaces DISCLAIMERS id is "REPLACE_WITH_STAGING_KV_NAMESPACE_ID"'),
      expect.stringContaining('[env.staging] vars SITE_ORIGIN is "https://replace-with-staging-hostname.invalid"'),
      expect.stringContaining('[env.staging] vars ACCESS_AUD is "REPLACE_WITH_STAGING_ACCESS_APPLICATION_AUD"'),
      expect.stringContaining('[env.staging] routes pattern is "replace-with-staging-hostname.invalid"'),
    ])
  })

  it('refuses a SITE_ORIGIN with a trailing slash, a path, or plain http, saying what to write instead', () => {
    expect(
      productionWith({ [PRODUCTION_VARS]: PRODUCTION_VARS.replace(PRODUCTION_HOST, `${PRODUCTION_HOST}/`) }),
    ).toEqual([
      `[env.production] vars SITE_ORIGIN is "https://${PRODUCTION_HOST}/", which ends with a slash; remove it: "https://${PRODUCTION_HOST}"`,
    ])
    expect(
      productionWith({ [PRODUCTION_VARS]: PRODUCTION_VARS.replace(PRODUCTION_HOST, `${PRODUCTION_HOST}/articles`) }),
    ).toEqual([
      `[env.production] vars SITE_ORIGIN is "https://${PRODUCTION_HOST}/articles"; keep only the origin, with no path, query or trailing slash: "https://${PRODUCTION_HOST}"`,
    ])
    expect(productionWith({ [PRODUCTION_VARS]: PRODUCTION_VARS.replace('https://', 'http://') })).toEqual([
      `[env.production] vars SITE_ORIGIN is "http://${PRODUCTION_HOST}"; use https:// (plain http is only for localhost): "https://${PRODUCTION_HOST}"`,
    ])
  })

  it('refuses a hostname that is not SITE_ORIGIN’s, a missing custom domain, and a Worker left on workers.dev', () => {
    const pattern = `pattern = "${PRODUCTION_HOST}"`
    expect(productionWith({ [pattern]: 'pattern = "www.kratom.example.org"' })).toEqual([
      `[env.production] routes pattern is "www.kratom.example.org" but SITE_ORIGIN's host is "${PRODUCTION_HOST}"; make them the same hostname`,
    ])
    expect(productionWith({ [pattern]: `pattern = "${PRODUCTION_HOST}/*"` })).toEqual([
      expect.stringContaining(
        `[env.production] routes pattern is "${PRODUCTION_HOST}/*"; a custom domain is a lower-case hostname alone`,
      ),
    ])
    expect(productionWith({ [`${pattern}, custom_domain = true`]: `${pattern}, zone_name = "example.org"` })).toEqual([
      `[env.production] must attach the Worker to exactly one custom domain, the host of SITE_ORIGIN: routes = [{ pattern = "${PRODUCTION_HOST}", custom_domain = true }]`,
    ])
    expect(
      productionWith({
        [`${PRODUCTION_HOST}", custom_domain = true }]\nworkers_dev = false`]: `${PRODUCTION_HOST}", custom_domain = true }]\nworkers_dev = true`,
      }),
    ).toEqual(['[env.production] leaves the Worker on workers.dev as well as its hostname; set workers_dev = false'])
  })

  it('refuses an Access team domain without https or with a slash, a malformed audience, and one set without the other', () => {
    const team = 'ACCESS_TEAM_DOMAIN = "https://kratom-team.example.org"'
    expect(productionWith({ [team]: 'ACCESS_TEAM_DOMAIN = "kratom-team.example.org"' })).toEqual([
      '[env.production] vars ACCESS_TEAM_DOMAIN is "kratom-team.example.org"; put https:// in front of it: "https://kratom-team.example.org"',
    ])
    expect(productionWith({ [team]: 'ACCESS_TEAM_DOMAIN = "https://kratom-team.example.org/"' })).toEqual([
      '[env.production] vars ACCESS_TEAM_DOMAIN is "https://kratom-team.example.org/", which ends with a slash; remove it: "https://kratom-team.example.org"',
    ])
    expect(productionWith({ [AUD]: 'console' })).toEqual([
      '[env.production] vars ACCESS_AUD is "console", not an audience tag (64 hexadecimal digits); copy the Application Audience (AUD) Tag from the Access application\'s Overview',
    ])
    expect(productionWith({ [AUD]: '' })).toEqual([
      "[env.production] vars ACCESS_AUD is empty while ACCESS_TEAM_DOMAIN is set; copy the Access application's Application Audience (AUD) Tag there",
    ])
    expect(productionWith({ [team]: 'ACCESS_TEAM_DOMAIN = ""', [AUD]: '' })).toEqual([
      expect.stringContaining(
        '[env.production] vars ACCESS_TEAM_DOMAIN and ACCESS_AUD are empty, so nobody can sign in to the console',
      ),
    ])
  })

  it('refuses a sender and operators that are not addresses', () => {
    expect(productionWith({ 'disclaimers@kratom.example.org': 'not-an-address' })).toEqual([
      '[env.production] vars EMAIL_FROM is "not-an-address", not an address; set it to one address at your onboarded sending domain, e.g. "disclaimers@kratom.example.org"',
    ])
    expect(productionWith({ 'operators@kratom.example.org': 'operators@kratom.example.org, on call' })).toEqual([
      expect.stringContaining('[env.production] vars OPERATORS_EMAIL holds "on call", not an address;'),
    ])
    expect(productionWith({ 'OPERATORS_EMAIL = "operators@kratom.example.org"': 'OPERATORS_EMAIL = ""' })).toEqual([
      expect.stringContaining('[env.production] vars OPERATORS_EMAIL is empty, so nobody would be told of trouble'),
    ])
  })

  it('refuses a SITE_TIME_ZONE the runtime does not know and a REQUIRE_APPROVAL that is not true or false', () => {
    expect(productionWith({ 'SITE_TIME_ZONE = "America/New_York" }': 'SITE_TIME_ZONE = "Eastern" }' })).toEqual([
      expect.stringContaining(
        '[env.production] vars SITE_TIME_ZONE is "Eastern", not an IANA time zone; put the publisher\'s zone there',
      ),
    ])
    expect(productionWith({ 'REQUIRE_APPROVAL = "true"': 'REQUIRE_APPROVAL = "yes"' })).toEqual([
      '[env.production] vars REQUIRE_APPROVAL is "yes"; set it to "true" (every change needs a second editor) or "false" (until then, every change needs one)',
    ])
  })

  it('refuses an environment without its EMAIL, LEDGER or BACKUPS binding, or with a KV id that is not one', () => {
    expect(
      productionWith({
        'send_email = [{ name = "EMAIL" }]\nkv_namespaces = [{ binding = "DISCLAIMERS", id = "0f2a':
          'kv_namespaces = [{ binding = "DISCLAIMERS", id = "0f2a',
      }),
    ).toEqual([
      '[env.production] has no send_email binding EMAIL, so nobody would be told of changes; add send_email = [{ name = "EMAIL" }]',
    ])
    expect(productionWith({ '0f2ac74b498b48028cb68387c421e279': 'my-namespace' })).toEqual([
      '[env.production] kv_namespaces DISCLAIMERS id is "my-namespace" (a KV namespace id is 32 hexadecimal digits); run `npx wrangler kv namespace create DISCLAIMERS --env production` and put the id it prints there',
    ])
    expect(
      productionWith({
        'r2_buckets = [{ binding = "BACKUPS", bucket_name = "kratom-ledger-backups-production" }]\n': '',
      }),
    ).toEqual([expect.stringContaining('[env.production] has no r2_buckets entry with binding "BACKUPS"')])
    expect(productionWith({ 'kratom-ledger-backups-production': 'Kratom_Backups' })).toEqual([
      expect.stringContaining(
        'env.production.r2_buckets[0].bucket_name="Kratom_Backups" is invalid. Bucket names must begin and end with an alphanumeric character',
      ),
    ])
  })

  it('refuses a rate-limit namespace another environment uses, one that is not a number, and a missing limiter', () => {
    expect(productionWith({ 'namespace_id = "3001"': 'namespace_id = "2001"' })).toEqual([
      'ratelimits namespace_id "2001" is used by [env.staging] AUTH_FAILURES and by [env.production] AUTH_FAILURES; give each its own number',
    ])
    expect(productionWith({ 'namespace_id = "3002"': 'namespace_id = "writes"' })).toEqual([
      '[env.production] ratelimits EDITOR_WRITES namespace_id is "writes"; it must be a positive whole number, e.g. "2001"',
    ])
    expect(
      productionWith({
        '  { name = "EDITOR_WRITES", namespace_id = "3002", simple = { limit = 20, period = 60 } },\n': '',
      }),
    ).toEqual([
      '[env.production] has no ratelimits entry named EDITOR_WRITES; add it with a namespace_id no other environment uses',
    ])
  })

  it('refuses an environment without the daily backup cron or with LEDGER_SECRET or LOG_SIGNING_KEY not required', () => {
    expect(
      productionWith({
        'triggers = { crons = ["* * * * *", "17 3 * * *"] }': 'triggers = { crons = ["* * * * *"] }',
      }),
    ).toEqual([
      '[env.production] triggers crons lacks "17 3 * * *" (the daily copy of the record); crons = ["* * * * *", "17 3 * * *"]',
    ])
    expect(
      productionWith({
        'secrets = { required = ["EDITORS", "LEDGER_SECRET", "LOG_SIGNING_KEY"] }':
          'secrets = { required = ["EDITORS"] }',
      }),
    ).toEqual([
      '[env.production] secrets.required lacks "LEDGER_SECRET", so wrangler would deploy without it; secrets = { required = ["EDITORS", "LEDGER_SECRET", "LOG_SIGNING_KEY"] }',
      '[env.production] secrets.required lacks "LOG_SIGNING_KEY", so wrangler would deploy without it; secrets = { required = ["EDITORS", "LEDGER_SECRET", "LOG_SIGNING_KEY"] }',
    ])
  })
})

describe('the ledger’s class and its migrations', () => {
  it('refuses a wrangler.toml whose migrations no longer make DisclaimerLedger, or whose LEDGER names another class', () => {
    const renamed = configWith({
      ...PRODUCTION,
      'new_sqlite_classes = ["DisclaimerLedger"]': 'new_sqlite_classes = ["Ledger"]',
    })
    expect(deployProblems('production', renamed)).toContain(
      'wrangler.toml has no [[migrations]] entry with new_sqlite_classes = ["DisclaimerLedger"]; restore it (never edit or remove a past migration)',
    )
    const rebound = configWith({
      ...PRODUCTION,
      'durable_objects = { bindings = [{ name = "LEDGER", class_name = "DisclaimerLedger" }] }':
        'durable_objects = { bindings = [{ name = "LEDGER", class_name = "DisclaimerLedgerV2" }] }',
    })
    expect(deployProblems('production', rebound)).toEqual([
      '[env.production] has no Durable Object binding LEDGER (class_name "DisclaimerLedger"); add durable_objects = { bindings = [{ name = "LEDGER", class_name = "DisclaimerLedger" }] }',
    ])
  })
})

describe('the committed wrangler.toml', () => {
  it('holds every value that is filled in to its rule, placeholders aside', () => {
    expect(configProblems()).toEqual([])
  })

  it('gives every environment rate-limit namespaces of its own', () => {
    const ids = ['', ...ENVIRONMENTS].map((name) =>
      environmentConfig(name).ratelimits.map((limiter) => `${limiter.name}=${limiter.namespace_id}`),
    )
    expect(ids).toEqual([
      ['AUTH_FAILURES=1001', 'EDITOR_WRITES=1002'],
      ['AUTH_FAILURES=2001', 'EDITOR_WRITES=2002'],
      ['AUTH_FAILURES=3001', 'EDITOR_WRITES=3002'],
    ])
  })

  it('attaches each deployed environment to one custom domain, off workers.dev, under a Worker name of its own', () => {
    for (const name of ENVIRONMENTS) {
      const config = environmentConfig(name)
      expect(config.routes).toEqual([{ pattern: `replace-with-${name}-hostname.invalid`, custom_domain: true }])
      expect(config.workersDev).toBe(false)
      expect(workerNameOf(name)).toBe(`kratom-soreness-${name}`)
    }
    expect(ENVIRONMENTS).toEqual(['staging', 'production'])
  })
})
