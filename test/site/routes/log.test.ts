import { reset, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { beforeEach, describe, expect, it } from 'vitest'
import { openCheckpoint } from '../../../src/core/log/checkpoint.ts'
import { ed25519Verifier, parseVerifierKey } from '../../../src/core/log/note-keys.ts'
import { parseBundle } from '../../../src/core/log/tiles.ts'
import { leafOf, treeSize } from '../../../src/ledger/log-tree.ts'
import type { DisclaimerLedger } from '../../../src/ledger/object.ts'
import { LOG_IMMUTABLE_CACHE_CONTROL, LOG_LATEST_CACHE_CONTROL } from '../../../src/site/routes/log.ts'
import { TEST_LOG_VERIFIER_KEY } from '../../fixtures/editors.ts'
import { request } from '../../helpers.ts'
import { publish, theLedger } from '../../ledger/helpers.ts'

function verifier() {
  const parsed = parseVerifierKey(TEST_LOG_VERIFIER_KEY)
  if (!parsed.ok) throw new Error(parsed.problem)
  return ed25519Verifier(parsed.key)
}

/** Appends `count` landings through the ledger's own transaction, so each joins the tree. */
function grow(count: number) {
  return runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger, state) => {
    ledger.transact(() => {
      for (let seq = 1; seq <= count; seq++) {
        state.storage.sql.exec('INSERT INTO landings (seq, at) VALUES (?, ?)', 10_000 + seq, new Date().toISOString())
      }
    })
    return treeSize(state.storage.sql)
  })
}

beforeEach(async () => {
  await reset()
})

describe('GET /log/*', () => {
  it('has no checkpoint before the log has one, and says so, kept by nobody', async () => {
    const res = await request('/log/checkpoint')
    expect(res.status).toBe(404)
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    expect(await res.text()).toBe('The log has no file checkpoint (yet).\n')
  })

  it('serves the signed checkpoint and the verifier key, briefly cacheable, to any origin', async () => {
    await publish('global', 'A text in the public log.')
    await runDurableObjectAlarm(theLedger())
    const size = await runInDurableObject(theLedger(), (_i: DisclaimerLedger, state) => treeSize(state.storage.sql))

    const res = await request('/log/checkpoint')
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('text/plain; charset=utf-8')
    expect(res.headers.get('Cache-Control')).toBe(LOG_LATEST_CACHE_CONTROL)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*')
    const opened = await openCheckpoint(await res.text(), [verifier()], 'localhost/disclaimer-log')
    expect(opened.ok && opened.checkpoint.size).toBe(size)

    const key = await request('/log/key')
    expect(key.status).toBe(200)
    expect(await key.text()).toBe(`${TEST_LOG_VERIFIER_KEY}\n`)
  })

  it('serves a full tile as immutable, a partial one briefly, and nothing it does not have', async () => {
    const size = await grow(300)
    expect(size).toBe(300)

    const full = await request('/log/tile/0/000')
    expect(full.status).toBe(200)
    expect(full.headers.get('Cache-Control')).toBe(LOG_IMMUTABLE_CACHE_CONTROL)
    expect((await full.arrayBuffer()).byteLength).toBe(256 * 32)
    const partial = await request('/log/tile/0/001.p/44')
    expect(partial.headers.get('Cache-Control')).toBe(LOG_LATEST_CACHE_CONTROL)
    expect((await partial.arrayBuffer()).byteLength).toBe(44 * 32)
    const bundle = await request('/log/tile/entries/001.p/44')
    const parsed = parseBundle(new Uint8Array(await bundle.arrayBuffer()))
    expect(parsed.ok && parsed.entries.length).toBe(44)

    for (const path of ['/log/tile/0/001.p/45', '/log/tile/0/002', '/log/tile/0/1', '/log/checkpoint.txt', '/log/']) {
      const res = await request(path)
      expect([path, res.status, res.headers.get('Cache-Control')]).toEqual([path, 404, 'no-store'])
    }
    expect(await (await request('/log/%3Cscript%3E')).text()).toBe(
      'That is not a file of the log (checkpoint, key, tile/…).\n',
    )
  })

  it('names on each page the log entry of the version its disclaimer shows, visibly and as data', async () => {
    const version = await publish('global', 'A text a page names in the log.')
    const leaf = await runInDurableObject(theLedger(), (_i: DisclaimerLedger, state) =>
      leafOf(state.storage.sql, 'versions', version.version),
    )

    const html = await (await request('/')).text()
    expect(leaf).toBeGreaterThanOrEqual(0)
    expect(html).toContain(`data-disclaimer-version="v${version.version}"`)
    expect(html).toContain(`data-log-index="${leaf}"`)
    expect(html).toContain(`<p class="disclaimer-entry">Public log entry <a href="/log/checkpoint">${leaf}</a></p>`)
  })
})
