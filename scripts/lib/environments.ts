// The deploy environments and what each needs, read from wrangler.toml through wrangler itself, so the deploy
// scripts and the disclaimer CLI resolve an environment exactly as `wrangler deploy --env <name>` will.
import { experimental_readRawConfig, unstable_readConfig } from 'wrangler'
import { crossEnvironmentProblems, type EnvironmentConfig, environmentProblems } from '../../src/core/deploy-config.ts'
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

function configOf(environment: string, configPath: string) {
  return unstable_readConfig({ config: configPath, env: environment || undefined }, { hideWarnings: true })
}

/** The Worker's name in an environment (wrangler appends `-<environment>` to the top-level name). */
export function workerNameOf(environment: string, configPath = CONFIG_PATH): string {
  return configOf(environment, configPath).name ?? ''
}

/** The https:// origin the environment's site is served from (its SITE_ORIGIN). */
export function siteOriginOf(environment: string, configPath = CONFIG_PATH): string {
  return String(configOf(environment, configPath).vars?.SITE_ORIGIN ?? '')
}

/** One environment as the deploy rules read it (src/core/deploy-config.ts); `''` is the local top level. */
export function environmentConfig(environment: string, configPath = CONFIG_PATH): EnvironmentConfig {
  const config = configOf(environment, configPath)
  return {
    name: environment,
    vars: { ...(config.vars ?? {}) },
    kvNamespaces: config.kv_namespaces ?? [],
    durableObjects: config.durable_objects?.bindings ?? [],
    sendEmail: config.send_email ?? [],
    versionMetadata: config.version_metadata?.binding,
    ratelimits: (config.ratelimits ?? []) as EnvironmentConfig['ratelimits'],
    r2Buckets: config.r2_buckets ?? [],
    routes: config.routes ?? (config.route ? [config.route] : []),
    crons: config.triggers?.crons ?? [],
    secretsRequired: config.secrets?.required ?? [],
    workersDev: config.workers_dev,
    sqliteClasses: (config.migrations ?? []).flatMap(
      (migration: { new_sqlite_classes?: string[] }) => migration.new_sqlite_classes ?? [],
    ),
  }
}

/**
 * Why `environment` cannot be deployed, each problem saying where in wrangler.toml and what to put there: its own
 * settings, bindings and hostname, and what it must not share with another environment. Empty when it is ready.
 */
export function deployProblems(environment: string, configPath = CONFIG_PATH): string[] {
  const all = allConfigs(configPath)
  if (typeof all === 'string') return [all]
  const own = all.find((config) => config.name === environment) as EnvironmentConfig
  return [...environmentProblems(own).map((problem) => problem.message), ...crossEnvironmentProblems(all)]
}

/** Every environment, top level first; or what wrangler itself refused in the file (a bucket name, a bad table). */
function allConfigs(configPath: string): EnvironmentConfig[] | string {
  try {
    return ['', ...environments(configPath)].map((name) => environmentConfig(name, configPath))
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

/**
 * What `npm run check` holds for every environment, committed placeholders aside: each value that is filled in has
 * its form, and no two environments share a rate-limit namespace or a bucket.
 */
export function configProblems(configPath = CONFIG_PATH): string[] {
  const all = allConfigs(configPath)
  if (typeof all === 'string') return [all]
  return [
    ...all.flatMap((config) => environmentProblems(config).filter((problem) => !problem.placeholder)),
    ...crossEnvironmentProblems(all).map((message) => ({ message })),
  ].map((problem) => problem.message)
}
