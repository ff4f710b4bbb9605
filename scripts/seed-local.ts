// Writes the bundled default disclaimers into the local KV store used by `wrangler dev`, unless a value is already there.
import { execFileSync } from 'node:child_process'

const DEFAULTS: Record<string, string> = {
  disclaimer: 'content/disclaimers/global.txt',
  'disclaimer:dosage-and-safety': 'content/disclaimers/dosage-and-safety.txt',
}

function wrangler(args: string[]): string {
  return execFileSync('npx', ['wrangler', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

for (const [key, file] of Object.entries(DEFAULTS)) {
  const current = wrangler(['kv', 'key', 'get', key, '--binding', 'DISCLAIMERS', '--local', '--text']).trim()
  if (current !== '' && current !== 'Value not found') {
    console.log(`local KV: "${key}" already set, left as it is`)
    continue
  }
  wrangler(['kv', 'key', 'put', key, '--binding', 'DISCLAIMERS', '--local', '--path', file])
  console.log(`local KV: "${key}" seeded from ${file}`)
}
