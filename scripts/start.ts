// `npm start`: the site on http://localhost:8787 with the local store seeded through the ledger, and two local
// editors (alice, bob) whose tokens sit in .wrangler/state/editors/ for the CLI and the console's sign-in.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { PROJECT_ROOT } from './lib/environments.ts'
import { ensureLocalEditors, LOCAL_EDITORS, LOCAL_STORE, tokenFile, writeDevVars } from './lib/local-editors.ts'

const ORIGIN = 'http://localhost:8787'
const READY_WITHIN_MS = 60_000

async function waitUntilServing(): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${ORIGIN}/robots.txt`)).ok) return
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`the site did not answer on ${ORIGIN} within ${READY_WITHIN_MS / 1000} s`)
}

async function seed(): Promise<string> {
  const token = readFileSync(tokenFile(LOCAL_STORE, 'alice'), 'utf8').trim()
  const response = await fetch(`${ORIGIN}/admin/seed`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: '{}',
  })
  if (!response.ok) throw new Error(`seeding answered ${response.status}: ${await response.text()}`)
  const { seeded } = (await response.json()) as { seeded: unknown[] }
  return seeded.length ? `seeded ${seeded.length} bundled default(s) through the ledger` : 'already seeded'
}

async function main() {
  writeDevVars(await ensureLocalEditors(LOCAL_STORE))
  const wrangler = spawn('npx', ['wrangler', 'dev', '--ip', '127.0.0.1', '--port', '8787'], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
    env: { CLOUDFLARE_CF_FETCH_ENABLED: 'false', ...process.env, WRANGLER_SEND_METRICS: 'false' },
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => wrangler.kill(signal))
  wrangler.on('exit', (code) => process.exit(code ?? 0))
  try {
    await waitUntilServing()
    console.log(`\nnpm start: ${await seed()}.`)
    const tokens = LOCAL_EDITORS.map((editor) => `${editor}: ${relative(PROJECT_ROOT, tokenFile(LOCAL_STORE, editor))}`)
    console.log(`npm start: the site is on ${ORIGIN}; local editors' tokens: ${tokens.join(', ')}\n`)
  } catch (error) {
    console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`)
  }
}

if (import.meta.main) await main()
