// Several editors writing the global disclaimer at once through the admin API, each through its own app (as from
// separate isolates), against the real ledger and local KV: every accepted write is one ledger row, each row's
// predecessor is the version its writer had read (no write lost or overwritten), and the last accepted text is live.
import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import type { LedgerVersion } from '../../src/core/ledger-types.ts'
import { createApp } from '../../src/index.ts'
import { bearer, type TestEditor } from '../fixtures/editors.ts'
import { request } from '../helpers.ts'

const TARGET = 'global'
const EDITORS: TestEditor[] = ['editor-01', 'editor-02', 'editor-03', 'editor-04', 'editor-05']
const WRITES_EACH = 4
/**
 * EDITOR_WRITES allows each editor 20 writes a minute, refused ones included. An editor's write is refused (412)
 * only when another editor's write was accepted since it read, and it reads again after each refusal, so it sends
 * at most its own writes plus everyone else's: EDITORS × WRITES_EACH.
 */
const WRITES_PER_MINUTE = 20

type Accepted = { editor: TestEditor; text: string; base: number; version: number }

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T
}

/** Reads, then writes its next text with If-Match; on 412 reads again. */
async function editor(name: TestEditor, index: number) {
  const app = createApp()
  const headers = { ...bearer(name), 'CF-Connecting-IP': `198.51.100.${index + 1}` }
  const call = (init: RequestInit = {}) => request(`/admin/disclaimers/${TARGET}`, init, {}, app)
  const accepted: Accepted[] = []
  let attempts = 0
  let conflicts = 0
  while (accepted.length < WRITES_EACH) {
    const read = await call({ headers })
    expect(read.status).toBe(200)
    const base = (await json<{ current: LedgerVersion }>(read)).current.version
    const text = `${name}, edit ${accepted.length + 1}: information only, not medical advice.`
    attempts++
    const res = await call({
      method: 'PUT',
      headers: { ...headers, 'Content-Type': 'application/json', 'If-Match': `"${base}"` },
      body: JSON.stringify({ text }),
    })
    if (res.status === 412) {
      conflicts++
      continue
    }
    expect([200, 202], `${name}: ${await res.clone().text()}`).toContain(res.status)
    accepted.push({ editor: name, text, base, version: (await json<{ version: LedgerVersion }>(res)).version.version })
  }
  return { name, accepted, attempts, conflicts }
}

describe('concurrent editors', () => {
  it(`${EDITORS.length} editors × ${WRITES_EACH} accepted writes, retrying on 412: one unbroken history, the last accepted text live`, async () => {
    // The home page falls back to the bundled dosage note, which it reports as a warning.
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const seed = await request(`/admin/disclaimers/${TARGET}`, {
      method: 'PUT',
      headers: { ...bearer('alice'), 'Content-Type': 'application/json', 'If-None-Match': '*' },
      body: JSON.stringify({ text: 'The disclaimer before anyone raced.' }),
    })
    expect(seed.status).toBe(200)
    const start = (await json<{ version: LedgerVersion }>(seed)).version

    const results = await Promise.all(EDITORS.map((name, index) => editor(name, index)))
    const accepted = results.flatMap((result) => result.accepted).sort((a, b) => a.version - b.version)
    expect(accepted).toHaveLength(EDITORS.length * WRITES_EACH)
    // They really raced: some writes were refused as stale and redone.
    expect(results.reduce((sum, result) => sum + result.conflicts, 0)).toBeGreaterThan(0)
    for (const result of results) expect(result.attempts, result.name).toBeLessThanOrEqual(WRITES_PER_MINUTE)

    const history = await json<{ versions: LedgerVersion[] }>(
      await request(`/admin/disclaimers/${TARGET}/history`, { headers: bearer('alice') }),
    )
    const rows = history.versions.toReversed()
    expect(rows.map((row) => row.version)).toEqual([start.version, ...accepted.map((write) => write.version)])
    // Each row was written on top of the row before it: no accepted write was based on anything else.
    accepted.forEach((write, index) => {
      expect(write.base, `version ${write.version}`).toBe(rows[index]?.version)
      expect(rows[index + 1]).toMatchObject({ version: write.version, text: write.text, by: write.editor })
    })

    const last = accepted.at(-1) as Accepted
    expect(await env.DISCLAIMERS.get('disclaimer')).toBe(last.text)
    const page = await request('/')
    expect(page.headers.get('Disclaimer-Version')).toContain(`disclaimer=v${last.version}/`)
    expect(await page.text()).toContain(last.text)
  }, 60_000)
})
