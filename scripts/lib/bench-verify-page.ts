// verify-page end to end against a log served on 127.0.0.1 (scripts/lib/memory-log.ts), for `npm run bench:log`:
// the wall time of a whole check, and the requests and bytes it fetches, beside fetching the page alone.
import { utf8 } from '../../src/core/log/encoding.ts'
import { encodeEntry } from '../../src/core/log/entry.ts'
import { ed25519Signer, generateKeyPair, parseSignerKey, parseVerifierKey } from '../../src/core/log/note-keys.ts'
import { logOrigin } from '../../src/core/log-config.ts'
import { median } from './measure.ts'
import { MemoryLog, serveLog } from './memory-log.ts'
import { verifyPage } from './verify-page.ts'

const GLOBAL = 'This article is general information, not medical advice.\n\nAsk a doctor before you take anything.'
const NOTE = 'Start with the lowest dose, and never combine it with alcohol or other sedatives.'
const SALT = new Uint8Array(32).fill(5)

// An event's entry, about as long as the ledger's: only the page's two entries are ever parsed.
function eventEntry(index: number): Uint8Array {
  const commitment = index.toString(16).padStart(64, '0')
  return utf8(
    `{"commitment":"${commitment}","row":{"at":"2026-12-01T10:00:00.000Z","id":${index},"key":"disclaimer","kind":"version_live","proposal_id":null,"version_seq":${index}},"table":"events"}`,
  )
}

function versionRow(seq: number, key: string, text: string) {
  return {
    seq,
    key,
    text,
    hash: 'ab'.repeat(32),
    at: '2026-12-01T10:00:00.000Z',
    by: 'alice@example.org',
    how: 'publish',
    note: null,
    approved_by: null,
    proposal_id: null,
    rollback_of: null,
    valid: 1,
    problem: null,
    import_id: null,
  }
}

export interface VerifyPageCost {
  size: number
  runs: number
  /** Median wall time of a whole verify-page, ms. */
  verifyMs: number
  /** Median wall time of fetching the page alone, ms: the baseline. */
  pageMs: number
  requests: number
  bytes: number
  /** The log files fetched, in order. */
  files: string[]
}

/**
 * Serves a log of `size` entries (two of them the versions a page shows, at 40 % and 90 % of the way) and times
 * `runs` verify-page runs against it, alternating with fetches of the page alone. Every run must prove the page.
 */
export async function benchVerifyPage(size: number, runs: number): Promise<VerifyPageCost> {
  const at = [Math.floor(size * 0.4), Math.floor(size * 0.9)]
  const entries = new Map([
    [at[0] as number, encodeEntry('versions', versionRow(at[0] as number, 'disclaimer', GLOBAL), SALT)],
    [at[1] as number, encodeEntry('versions', versionRow(at[1] as number, 'disclaimer:dosage', NOTE), SALT)],
  ])
  let log: MemoryLog | undefined
  let pages: Record<string, string> = {}
  const served = await serveLog(
    () => log as MemoryLog,
    () => pages,
  )
  try {
    const origin = logOrigin(served.origin)
    log = new MemoryLog(origin, (index) => entries.get(index) ?? eventEntry(index))
    for (let i = 0; i < size; i++) log.append(log.entry(i))
    const pair = await generateKeyPair(origin)
    const signer = await parseSignerKey(pair.signerKey)
    const verifier = parseVerifierKey(pair.verifierKey)
    if (!signer.ok || !verifier.ok) throw new Error('a fresh key pair does not read')
    await log.sign([ed25519Signer(signer.key)])
    const box = (key: string, index: number, text: string) =>
      `<div class="disclaimer" role="note" data-disclaimer="${key}" data-disclaimer-version="v${index}" data-log-index="${index}"><p class="disclaimer-title">Disclaimer</p>${text
        .split('\n\n')
        .map((p) => `<p>${p}</p>`)
        .join('')}</div>`
    const url = `${served.origin}/dosage`
    pages = {
      '/dosage': `<!doctype html><html lang="en"><head><title>Dosage</title><link rel="canonical" href="${url}"></head><body><main>${box('disclaimer', at[0] as number, GLOBAL)}<p>${'Body text. '.repeat(400)}</p>${box('disclaimer:dosage', at[1] as number, NOTE)}</main></body></html>`,
    }
    const trust = { log: verifier.key, witnesses: [], quorum: 0 }
    const verifyMs: number[] = []
    const pageMs: number[] = []
    let last: Awaited<ReturnType<typeof verifyPage>> | undefined
    for (let run = 0; run < runs; run++) {
      let started = performance.now()
      await (await fetch(url)).arrayBuffer()
      pageMs.push(performance.now() - started)
      started = performance.now()
      last = await verifyPage({ source: url, trust })
      verifyMs.push(performance.now() - started)
      if (!last.ok) throw new Error(`verify-page did not prove the page:\n${last.lines.join('\n')}`)
    }
    const fetched = (last as NonNullable<typeof last>).fetched
    return {
      size,
      runs,
      verifyMs: median(verifyMs),
      pageMs: median(pageMs),
      requests: fetched.urls.length,
      bytes: fetched.bytes,
      files: fetched.urls.slice(1).map((file) => file.slice(`${served.origin}/log/`.length)),
    }
  } finally {
    await served.close()
  }
}
