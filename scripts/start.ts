// `npm start`: the site on http://localhost:8787 with the local store seeded through the ledger, and three local
// editors (alice, bob, and drlee, a reviewer with example credentials) whose tokens sit in .wrangler/state/editors/ for the CLI and the console's sign-in; .dev.vars
// gets their EDITORS, a SESSION_SECRET and the LEDGER_SECRET the ledger signs KV's metadata with. Every
// message the site sends is simulated: wrangler logs it and keeps its text under .wrangler/tmp/email/.
// Options for tests and side-by-side runs: --port <n>, --persist-to <dir> (a store of its own, with its own
// editors), --var KEY:VALUE (e.g. REQUIRE_APPROVAL:true), all passed on to wrangler dev. The store remembers the
// variables and, while the site runs, its port (scripts/lib/local-site.ts): the CLI's --local goes there.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { PROJECT_ROOT } from './lib/environments.ts'
import {
  devVarsOf,
  ensureLocalEditors,
  ensureLogSigningKey,
  LOCAL_EDITORS,
  LOCAL_STORE,
  tokenFile,
  writeDevVars,
} from './lib/local-editors.ts'
import { parseVars, rememberLocalSite } from './lib/local-site.ts'

const READY_WITHIN_MS = 60_000

async function waitUntilServing(origin: string): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${origin}/robots.txt`)).ok) return
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`the site did not answer on ${origin} within ${READY_WITHIN_MS / 1000} s`)
}

async function seed(origin: string, store: string): Promise<string> {
  const token = readFileSync(tokenFile(store, 'alice'), 'utf8').trim()
  const response = await fetch(`${origin}/admin/seed`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: '{}',
  })
  if (!response.ok) throw new Error(`seeding answered ${response.status}: ${await response.text()}`)
  const { seeded } = (await response.json()) as { seeded: unknown[] }
  return seeded.length ? `seeded ${seeded.length} bundled default(s) through the ledger` : 'already seeded'
}

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      'persist-to': { type: 'string', default: LOCAL_STORE },
      var: { type: 'string', multiple: true, default: [] },
    },
  })
  const port = Number(values.port)
  const store = values['persist-to'] as string
  const origin = `http://localhost:${port}`
  const editors = await ensureLocalEditors(store)
  // The default store's secrets go where `wrangler dev` looks for them; another store keeps its own.
  const devVars = devVarsOf(store)
  try {
    writeDevVars(editors, devVars)
    await ensureLogSigningKey(devVars)
  } catch (error) {
    console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
  const pairs = [...(values.var as string[]), ...(port === 8787 ? [] : [`SITE_ORIGIN:${origin}`])]
  // The store remembers the rule it runs with, so that the CLI's own Worker on it, later, applies the same one.
  const vars = parseVars(pairs)
  rememberLocalSite(store, { vars })
  const args = ['dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', store]
  if (store !== LOCAL_STORE) args.push('--env-file', devVars)
  for (const pair of pairs) args.push('--var', pair)
  // wrangler itself, not through npx: a signal to this script reaches it, and it stops workerd on its way out.
  const wrangler = spawn(process.execPath, [join(PROJECT_ROOT, 'node_modules/wrangler/bin/wrangler.js'), ...args], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
    env: { CLOUDFLARE_CF_FETCH_ENABLED: 'false', ...process.env, WRANGLER_SEND_METRICS: 'false' },
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => wrangler.kill(signal))
  // The record of where it runs is left as it is: once this process is gone, the CLI no longer trusts it.
  wrangler.on('exit', (code) => process.exit(code ?? 0))
  try {
    await waitUntilServing(origin)
    // Where the CLI finds this site, and the process it must still be alive to be trusted there.
    rememberLocalSite(store, { vars, running: { port, pid: process.pid } })
    console.log(`\nnpm start: ${await seed(origin, store)}.`)
    const tokens = LOCAL_EDITORS.map((editor) => `${editor}: ${relative(PROJECT_ROOT, tokenFile(store, editor))}`)
    console.log(`npm start: the site is on ${origin}; local editors' tokens: ${tokens.join(', ')}`)
    console.log('npm start: messages the site sends are logged here and kept under .wrangler/tmp/email/\n')
  } catch (error) {
    console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`)
  }
}

if (import.meta.main) await main()
