// The deploy environments and what each needs, read from wrangler.toml through wrangler itself, so the deploy
// scripts and the disclaimer CLI resolve an environment exactly as `wrangler deploy --env <name>` will.
import { experimental_readRawConfig, unstable_readConfig } from 'wrangler'
import { isTimeZone } from '../../src/core/time.ts'
import { CONFIG_PATH } from './paths.ts'

export { CONFIG_PATH, PROJECT_ROOT } from './paths.ts'

/** The named environments in wrangler.toml (`[env.<name>]`), in file order. */
export function environments(configPath = CONFIG_PATH): string[] {
  return Object.keys(experimental_readRawConfig({ config: configPath }).rawConfig.env ?? {})
}

export const ENVIRONMENTS: readonly string[] = environments()
export type Environment = string

export function isEnvironment(name: string | undefined): name is string {
  return name !== undefined && ENVIRONMENTS.includes(name)
}

const PLACEHOLDER = /replace[-_]with/i

function configOf(environment: string, configPath: string) {
  return unstable_readConfig({ config: configPath, env: environment }, { hideWarnings: true })
}

/** The https:// origin the environment's site is served from (its SITE_ORIGIN). */
export function siteOriginOf(environment: string, configPath = CONFIG_PATH): string {
  return String(configOf(environment, configPath).vars?.SITE_ORIGIN ?? '')
}

/**
 * Every value in `[env.<name>]` that still holds a placeholder or is missing, each with what to put there instead.
 * An empty list means the environment is ready to deploy to, and to edit.
 */
export function placeholderProblems(environment: string, configPath = CONFIG_PATH): string[] {
  const config = configOf(environment, configPath)
  const problems: string[] = []
  const namespaces: { binding: string; id?: string }[] = config.kv_namespaces ?? []
  if (!namespaces.some((namespace) => namespace.binding === 'DISCLAIMERS')) {
    problems.push(
      `[env.${environment}] has no kv_namespaces entry with binding "DISCLAIMERS"; add one with the id from ` +
        `\`npx wrangler kv namespace create DISCLAIMERS --env ${environment}\``,
    )
  }
  for (const namespace of namespaces) {
    if (!namespace.id || PLACEHOLDER.test(namespace.id)) {
      problems.push(
        `[env.${environment}] kv_namespaces ${namespace.binding} id is ${JSON.stringify(namespace.id ?? '')}; ` +
          `run \`npx wrangler kv namespace create ${namespace.binding} --env ${environment}\` and put the id it prints there`,
      )
    }
  }
  const objects: { name: string }[] = config.durable_objects.bindings
  if (!objects.some((binding) => binding.name === 'LEDGER')) {
    problems.push(
      `[env.${environment}] has no Durable Object binding LEDGER; copy the durable_objects line from [env.production]`,
    )
  }
  const zone: unknown = config.vars?.SITE_TIME_ZONE
  if (typeof zone !== 'string' || !isTimeZone(zone)) {
    problems.push(
      `[env.${environment}] vars SITE_TIME_ZONE is ${JSON.stringify(zone ?? '')}; put the publisher's IANA time zone there, e.g. "America/New_York"`,
    )
  }
  const mail: { name: string }[] = config.send_email ?? []
  if (!mail.some((binding) => binding.name === 'EMAIL')) {
    problems.push(
      `[env.${environment}] has no send_email binding EMAIL, so nobody would be told of changes; copy the send_email line from [env.production]`,
    )
  }
  const origin: unknown = config.vars?.SITE_ORIGIN
  if (typeof origin !== 'string' || PLACEHOLDER.test(origin) || !origin.startsWith('https://')) {
    problems.push(
      `[env.${environment}] vars SITE_ORIGIN is ${JSON.stringify(origin ?? '')}; ` +
        'put the https:// origin the site is served from there (no path, no trailing slash), e.g. "https://kratom.example.org"',
    )
  }
  for (const [name, value] of Object.entries(config.vars ?? {})) {
    if (name !== 'SITE_ORIGIN' && typeof value === 'string' && PLACEHOLDER.test(value)) {
      problems.push(
        `[env.${environment}] vars ${name} is ${JSON.stringify(value)}; docs/operations.md says what goes there`,
      )
    }
  }
  return problems
}
