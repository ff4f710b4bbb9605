// What a deploy needs from wrangler.toml, read through wrangler itself so named environments resolve as they will on deploy.
import { join } from 'node:path'
import { unstable_readConfig } from 'wrangler'

export const ENVIRONMENTS = ['staging', 'production'] as const
export type Environment = (typeof ENVIRONMENTS)[number]

export const PROJECT_ROOT = new URL('../..', import.meta.url).pathname

const PLACEHOLDER = /replace[-_]with/i

export function isEnvironment(name: string | undefined): name is Environment {
  return ENVIRONMENTS.includes(name as Environment)
}

/**
 * Every value in `[env.<name>]` that still holds a placeholder, each with what to put there instead.
 * An empty list means the environment is ready to deploy.
 */
export function placeholderProblems(environment: Environment, configPath = join(PROJECT_ROOT, 'wrangler.toml')) {
  const config = unstable_readConfig({ config: configPath, env: environment }, { hideWarnings: true })
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
  const origin: unknown = config.vars?.SITE_ORIGIN
  if (typeof origin !== 'string' || PLACEHOLDER.test(origin) || !origin.startsWith('https://')) {
    problems.push(
      `[env.${environment}] vars SITE_ORIGIN is ${JSON.stringify(origin ?? '')}; ` +
        'put the https:// origin the site is served from there (no path, no trailing slash), e.g. "https://kratom.example.org"',
    )
  }
  return problems
}
