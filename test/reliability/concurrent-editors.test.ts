// Eight editors writing the global disclaimer at once through the admin API, inside workerd with real local
// KV: every accepted write has its history entry, the versions form one unbroken chain (no write silently
// lost or overwritten), and the text left in KV is the last one accepted.
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { createApp } from '../../src/index.ts'

const TOKEN = 'concurrency-token'
const WRITERS = 8
const WRITES_EACH = 5
const MAX_ATTEMPTS = 200
const HEADERS = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }

// Many editors share one token here, so the per-token write limit is raised through the app's option.
const app = createApp({ admin: { writesPerMinute: 100_000 } })
const bindings = { ...env, ADMIN_TOKEN: TOKEN }

async function call(path: string, init: RequestInit = {}) {
  const res = await app.request(`https://kratom.test/admin/disclaimers/global${path}`, init, bindings)
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

/** Reads, then writes its next text with If-Match; on 412 reads again. Returns what it got accepted. */
async function editor(id: number) {
  const accepted: { text: string; version: string }[] = []
  let conflicts = 0
  for (let attempt = 0; accepted.length < WRITES_EACH; attempt++) {
    if (attempt >= MAX_ATTEMPTS) throw new Error(`editor ${id} gave up after ${MAX_ATTEMPTS} attempts`)
    const current = await call('', { headers: HEADERS })
    expect(current.status).toBe(200)
    const text = `Editor ${id}, edit ${accepted.length + 1}: information only, not medical advice.`
    const res = await call('', {
      method: 'PUT',
      headers: { ...HEADERS, 'If-Match': `"${current.body.version}"` },
      body: JSON.stringify({ text, editor: `editor ${id}` }),
    })
    if (res.status === 412) {
      conflicts++
      continue
    }
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    accepted.push({ text, version: res.body.version as string })
  }
  return { accepted, conflicts }
}

beforeEach(async () => {
  for (const { name } of (await env.DISCLAIMERS.list()).keys) await env.DISCLAIMERS.delete(name)
  await env.DISCLAIMERS.put('disclaimer', 'The disclaimer before anyone edited it.')
})

describe('concurrent editors', () => {
  it(`${WRITERS} editors × ${WRITES_EACH} writes: one history entry per accepted write, one unbroken chain, the last accepted text wins`, async () => {
    const start = await call('', { headers: HEADERS })
    const results = await Promise.all(Array.from({ length: WRITERS }, (_, id) => editor(id + 1)))
    const accepted = results.flatMap((result) => result.accepted)
    const conflicts = results.reduce((sum, result) => sum + result.conflicts, 0)
    expect(accepted).toHaveLength(WRITERS * WRITES_EACH)
    // The editors really raced: some writes were refused as stale and redone.
    expect(conflicts).toBeGreaterThan(0)

    const history = await call('/history', { headers: HEADERS })
    const entries = history.body.entries as { version: string; previousVersion: string; by: string }[]
    expect(entries).toHaveLength(accepted.length)
    expect(new Set(entries.map((entry) => entry.version))).toEqual(new Set(accepted.map((write) => write.version)))

    // Follow the chain from the starting version: it must visit every accepted write exactly once.
    const next = new Map(entries.map((entry) => [entry.previousVersion, entry.version]))
    expect(next.size).toBe(entries.length)
    const chain: string[] = []
    for (let version = next.get(start.body.version as string); version; version = next.get(version)) chain.push(version)
    expect(chain).toHaveLength(accepted.length)

    const final = await call('', { headers: HEADERS })
    expect(final.body.version).toBe(chain.at(-1))
    expect(accepted.map((write) => write.text)).toContain(final.body.text)
  }, 60_000)
})
