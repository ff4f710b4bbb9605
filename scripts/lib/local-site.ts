// What a local store remembers of the site `npm start` runs on it: the variables it ran with (REQUIRE_APPROVAL above
// all, so that a Worker the CLI starts on the store keeps the same rule) and, while it runs, its port and process, so
// that the CLI reaches it there and nowhere else.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface LocalSite {
  /** The variables `npm start` gave the site (`--var KEY:VALUE`), e.g. `{ REQUIRE_APPROVAL: 'true' }`. */
  vars: Record<string, string>
  /** While it runs: the port it serves on, on 127.0.0.1, and the process serving it (npm start's). */
  running?: { port: number; pid: number }
}

const VAR_NAME = /^[A-Z][A-Z0-9_]*$/

export function localSiteFile(store: string): string {
  return join(store, 'local-site.json')
}

/** `KEY:VALUE` pairs, as `npm start -- --var` takes them. */
export function parseVars(pairs: string[]): Record<string, string> {
  const vars: Record<string, string> = {}
  for (const pair of pairs) {
    const colon = pair.indexOf(':')
    const name = pair.slice(0, colon)
    if (colon < 1 || !VAR_NAME.test(name))
      throw new Error(`--var ${pair}: expected KEY:VALUE, e.g. REQUIRE_APPROVAL:true`)
    vars[name] = pair.slice(colon + 1)
  }
  return vars
}

function isLocalSite(value: unknown): value is LocalSite {
  if (typeof value !== 'object' || value === null) return false
  const { vars, running } = value as Partial<LocalSite>
  if (typeof vars !== 'object' || vars === null || Array.isArray(vars)) return false
  if (!Object.entries(vars).every(([name, set]) => VAR_NAME.test(name) && typeof set === 'string')) return false
  if (running === undefined) return true
  return (
    Number.isInteger(running.port) &&
    running.port > 0 &&
    running.port < 65536 &&
    Number.isInteger(running.pid) &&
    running.pid > 0
  )
}

/** What the store remembers; a store `npm start` never ran on remembers nothing: wrangler.toml's variables apply. */
export function readLocalSite(store: string): LocalSite {
  const file = localSiteFile(store)
  if (!existsSync(file)) return { vars: {} }
  let value: unknown
  try {
    value = JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    value = undefined
  }
  if (!isLocalSite(value)) throw new Error(`${file} is not what npm start writes; delete it and run npm start again`)
  return value
}

export function rememberLocalSite(store: string, site: LocalSite): void {
  writeFileSync(localSiteFile(store), `${JSON.stringify(site, null, 2)}\n`)
}

/** The site the store says runs on it, if the process that serves it is still alive. */
export function runningSite(site: LocalSite): { port: number; pid: number } | undefined {
  if (!site.running) return undefined
  try {
    process.kill(site.running.pid, 0)
    return site.running
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? site.running : undefined
  }
}
