// The log's signed checkpoints in a fresh object's SQLite: one per tree size however many ask, opened by the log's
// verifier key, never a second root for a size, served with the cosignatures collected for it.
import { describe, expect, it } from 'vitest'
import { openCheckpoint } from '../../src/core/log/checkpoint.ts'
import { toBase64 } from '../../src/core/log/encoding.ts'
import { ed25519Signer, ed25519Verifier, parseSignerKey, parseVerifierKey } from '../../src/core/log/note-keys.ts'
import { treeRoot } from '../../src/core/log/tree-store.ts'
import { chainPending } from '../../src/ledger/chaining.ts'
import {
  addCosignature,
  checkpointDue,
  latestCheckpoint,
  logSigner,
  type SigningPorts,
  servedCheckpoint,
  signCheckpoint,
} from '../../src/ledger/log-checkpoints.ts'
import { extendLog, sqlHashStore } from '../../src/ledger/log-tree.ts'
import vectors from '../core/log/vectors.json'
import { withFreshSql } from './helpers.ts'

const { notes } = vectors
const T = Date.parse('2026-12-01T10:00:00.000Z')
const ORIGIN = 'localhost/disclaimer-log'

async function logKey() {
  const parsed = await parseSignerKey(notes.logSignerKey)
  if (!parsed.ok) throw new Error(parsed.problem)
  return { signer: ed25519Signer(parsed.key), origin: ORIGIN }
}

function verifier() {
  const parsed = parseVerifierKey(notes.logVerifierKey)
  if (!parsed.ok) throw new Error(parsed.problem)
  return ed25519Verifier(parsed.key)
}

function grow(sql: SqlStorage, count: number): void {
  const from = sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM landings').one().n + 1
  for (let seq = from; seq < from + count; seq++) {
    sql.exec('INSERT INTO landings (seq, at) VALUES (?, ?)', seq, new Date(T + seq).toISOString())
  }
  chainPending(sql)
  extendLog(sql)
}

function portsOf(sql: SqlStorage, state: DurableObjectState): SigningPorts {
  return { sql, transact: (work) => state.storage.transactionSync(work), now: () => T }
}

describe('log checkpoints', () => {
  it("signs the tree as it stands, once per size, in a note the log's verifier key opens", async () => {
    const key = await logKey()
    const result = await withFreshSql(async (sql, state) => {
      const ports = portsOf(sql, state)
      const empty = await signCheckpoint(ports, key)
      grow(sql, 5)
      const due = checkpointDue(sql)
      const told: number[] = []
      const first = await signCheckpoint(ports, key, (checkpoint) => told.push(checkpoint.size))
      const again = await signCheckpoint(ports, key, (checkpoint) => told.push(checkpoint.size))
      grow(sql, 2)
      const racing = await Promise.all([signCheckpoint(ports, key), signCheckpoint(ports, key)])
      return {
        empty,
        due,
        dueAfter: checkpointDue(sql),
        first,
        again,
        racing: racing.map((checkpoint) => checkpoint?.size ?? null),
        told,
        roots: [treeRoot(sqlHashStore(sql), 5), treeRoot(sqlHashStore(sql), 7)],
        rows: sql.exec<{ size: number; signed_at: string }>('SELECT size, signed_at FROM log_checkpoints').toArray(),
      }
    })

    expect(result.empty).toBeNull()
    expect([result.due, result.dueAfter]).toEqual([true, false])
    expect(result.again).toBeNull()
    expect(result.told).toEqual([5])
    expect(result.racing.sort()).toEqual([7, null].sort())
    expect(result.rows).toEqual([
      { size: 5, signed_at: new Date(T).toISOString() },
      { size: 7, signed_at: new Date(T).toISOString() },
    ])
    const opened = await openCheckpoint(result.first?.note as string, [verifier()], ORIGIN)
    expect(opened.ok && opened.checkpoint).toEqual({ origin: ORIGIN, size: 5, root: result.roots[0], extensions: [] })
    const [body, signature] = (result.first?.note ?? '').split('\n\n')
    expect(body).toBe(`${ORIGIN}\n5\n${toBase64(result.roots[0] as Uint8Array)}`)
    expect(signature).toMatch(/^— example\.com\/log [A-Za-z0-9+/]{91}=\n$/)
  })

  it('refuses to sign a second root for a size it has signed, and stores nothing', async () => {
    const key = await logKey()
    const { problem, rows } = await withFreshSql(async (sql, state) => {
      grow(sql, 3)
      sql.exec("INSERT INTO log_checkpoints (size, root, note, signed_at) VALUES (3, zeroblob(32), 'forged', 't')")
      let problem = ''
      try {
        await signCheckpoint(portsOf(sql, state), key)
      } catch (error) {
        problem = (error as Error).message
      }
      return { problem, rows: sql.exec('SELECT size, note FROM log_checkpoints').toArray() }
    })

    expect(problem).toMatch(
      /^the log's tree of 3 leaves has root [A-Za-z0-9+/]{43}=, but its checkpoint of that size says A{43}=: the tree's stored hashes were changed; nothing was signed$/,
    )
    expect(rows).toEqual([{ size: 3, note: 'forged' }])
  })

  it('serves the latest checkpoint with every cosignature collected for its size, and none for another', async () => {
    const key = await logKey()
    const { served, latest } = await withFreshSql(async (sql, state) => {
      grow(sql, 2)
      await signCheckpoint(portsOf(sql, state), key)
      addCosignature(sql, 2, 'old-witness', '— old AAAA\n', T)
      grow(sql, 1)
      await signCheckpoint(portsOf(sql, state), key)
      addCosignature(sql, 3, 'zeta', '— zeta BBBB\n', T)
      addCosignature(sql, 3, 'alpha', '— alpha CCCC\n', T)
      addCosignature(sql, 3, 'alpha', '— alpha DDDD\n', T)
      return { served: servedCheckpoint(sql), latest: latestCheckpoint(sql) }
    })

    expect(served).toBe(`${latest?.note}— alpha CCCC\n— zeta BBBB\n`)
    expect(latest?.size).toBe(3)
  })

  it('says why it cannot sign: no key, a key that is not one, no site origin', async () => {
    const origin = 'http://localhost:8787'
    expect(await logSigner({ SITE_ORIGIN: origin })).toEqual({
      ok: false,
      problem: 'LOG_SIGNING_KEY is not set, so no checkpoint is signed',
    })
    expect(await logSigner({ SITE_ORIGIN: origin, LOG_SIGNING_KEY: notes.logVerifierKey })).toEqual({
      ok: false,
      problem:
        'LOG_SIGNING_KEY cannot sign: a signer key starts with PRIVATE+KEY+ (was a verifier key given where the private key belongs?)',
    })
    expect(await logSigner({ SITE_ORIGIN: 'nowhere', LOG_SIGNING_KEY: notes.logSignerKey })).toEqual({
      ok: false,
      problem: 'SITE_ORIGIN is not an address, so the log has no origin to sign',
    })
    const signer = await logSigner({ SITE_ORIGIN: origin, LOG_SIGNING_KEY: notes.logSignerKey })
    expect(signer.ok && [signer.origin, signer.signer.name, signer.signer.keyId]).toEqual([
      ORIGIN,
      'example.com/log',
      0x296d67e0,
    ])
  })
})
