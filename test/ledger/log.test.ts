// The log inside the ledger: every row a change records joins the tree in that change's transaction, the alarm signs
// a checkpoint of it, and the witnesses of LOG_WITNESSES are asked to cosign it, a refusal told to the operators.
import { reset, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { openCheckpoint } from '../../src/core/log/checkpoint.ts'
import { findCheckpointNotes } from '../../src/core/log/checkpoint-block.ts'
import { cosignatureVerifier, cosigner } from '../../src/core/log/cosignature.ts'
import { openNote } from '../../src/core/log/note.ts'
import { ed25519Verifier, parseSignerKey, parseVerifierKey } from '../../src/core/log/note-keys.ts'
import { type CosignedCheckpoint, decideAddCheckpoint, witnessAnswer } from '../../src/core/log/witness.ts'
import { formatAddCheckpointAnswer } from '../../src/core/log/witness-protocol.ts'
import type { Outgoing } from '../../src/ledger/context.ts'
import { DELIVERY_RETRY_DELAYS_MS, GIVE_UP_AFTER_MS } from '../../src/ledger/deliveries.ts'
import { latestCheckpoint, servedCheckpoint } from '../../src/ledger/log-checkpoints.ts'
import { nextLogJobAt } from '../../src/ledger/log-jobs.ts'
import { treeHead, treeSize } from '../../src/ledger/log-tree.ts'
import type { DisclaimerLedger } from '../../src/ledger/object.ts'
import vectors from '../core/log/vectors.json'
import { TEST_EDITORS, TEST_LOG_VERIFIER_KEY } from '../fixtures/editors.ts'
import { publish, theLedger } from './helpers.ts'

const ORIGIN = 'localhost/disclaimer-log'
const { notes } = vectors

function key(text: string) {
  const parsed = parseVerifierKey(text)
  if (!parsed.ok) throw new Error(parsed.problem)
  return parsed.key
}

/** A witness in this process, following the test log: it keeps the latest checkpoint it cosigned, as the command does. */
async function inProcessWitness() {
  const parsed = await parseSignerKey(notes.witnessSignerKey)
  if (!parsed.ok) throw new Error(parsed.problem)
  const signing = cosigner(parsed.key, () => 1_767_225_600)
  const seen: { latest: CosignedCheckpoint | undefined; requests: number } = { latest: undefined, requests: 0 }
  const state = {
    logKeys: (origin: string) => (origin === ORIGIN ? [ed25519Verifier(key(TEST_LOG_VERIFIER_KEY))] : undefined),
    latest: () => seen.latest,
  }
  const fetch = async (request: Request) => {
    seen.requests++
    const decision = await decideAddCheckpoint(await request.text(), state)
    if (decision.verdict === 'cosign') seen.latest = decision.record
    const { status, contentType, body } = formatAddCheckpointAnswer(await witnessAnswer(decision, [signing]))
    return new Response(body, { status, headers: { 'Content-Type': contentType } })
  }
  return { seen, fetch }
}

const witnesses = JSON.stringify([{ name: 'alice-laptop', key: notes.witnessVerifierKey, url: 'https://w.example' }])

function logState() {
  return runInDurableObject(theLedger(), (instance: DisclaimerLedger, state) => {
    const sql = state.storage.sql
    return {
      chained: sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM chain').one().n,
      head: treeHead(sql),
      latest: latestCheckpoint(sql),
      served: servedCheckpoint(sql),
      due: nextLogJobAt(sql, instance.ledger.env, 1_000),
      refusals: sql
        .exec<{ actor: string; detail: string }>("SELECT actor, detail FROM events WHERE kind = 'witness_refused'")
        .toArray(),
    }
  })
}

beforeEach(async () => {
  await reset()
  vi.spyOn(console, 'error').mockImplementation(() => {})
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})

describe('the log in the ledger', () => {
  it('appends every row a change records to the tree in its own transaction, and the alarm signs a checkpoint', async () => {
    const sizes = await runInDurableObject(theLedger(), async (instance: DisclaimerLedger, state) => {
      const sql = state.storage.sql
      const before = treeSize(sql)
      // A write that fails part way leaves neither its rows nor their leaves.
      const failed = (() => {
        try {
          instance.ledger.transact(() => {
            sql.exec("INSERT INTO landings (seq, at) VALUES (1, '2026-12-01T00:00:00.000Z')")
            throw new Error('stop')
          })
        } catch (error) {
          return (error as Error).message
        }
      })()
      return { before, failed, after: treeSize(sql) }
    })
    await publish('global', 'A text for the log.')
    const published = await logState()
    await runDurableObjectAlarm(theLedger())
    const signed = await logState()

    expect(sizes).toEqual({ before: 0, failed: 'stop', after: 0 })
    expect(published.head.size).toBe(published.chained)
    expect(published.head.size).toBeGreaterThanOrEqual(2)
    expect(signed.latest?.size).toBe(published.head.size)
    expect(signed.due).toBeNull()
    const opened = await openCheckpoint(signed.latest?.note ?? '', [ed25519Verifier(key(TEST_LOG_VERIFIER_KEY))])
    expect(opened.ok && opened.checkpoint).toEqual({
      origin: ORIGIN,
      size: published.head.size,
      root: published.head.root,
      extensions: [],
    })
  })

  it('sends each message with the signed checkpoint that holds its event, cosignatures included', async () => {
    const witness = await inProcessWitness()
    const sent: Outgoing[] = []
    await runInDurableObject(theLedger(), (instance: DisclaimerLedger) => {
      const editors = JSON.stringify({ alice: { token: TEST_EDITORS.alice.hash, email: 'alice@example.org' } })
      instance.ledger.env = { ...instance.ledger.env, LOG_WITNESSES: witnesses, EDITORS: editors }
      instance.ledger.witnessFetch = witness.fetch
      instance.ledger.notifier = { send: async (message) => void sent.push(message) }
    })
    await publish('global', 'A text whose message carries the log.')
    await runDurableObjectAlarm(theLedger())
    const eventPos = await runInDurableObject(theLedger(), (_i: DisclaimerLedger, state) =>
      state.storage.sql
        .exec<{ pos: number }>("SELECT pos FROM chain WHERE kind = 'events' ORDER BY pos DESC LIMIT 1")
        .one(),
    )

    expect(sent.map((message) => message.event.kind)).toEqual(['version_live'])
    const found = findCheckpointNotes(sent[0]?.text ?? '')
    expect(found).toHaveLength(1)
    const logKey = ed25519Verifier(key(TEST_LOG_VERIFIER_KEY))
    const opened = await openCheckpoint(found[0] as string, [logKey], ORIGIN)
    expect(opened.ok && opened.checkpoint.size).toBeGreaterThanOrEqual(eventPos.pos)
    const cosigned = await openNote(found[0] as string, [cosignatureVerifier(key(notes.witnessVerifierKey))])
    expect(cosigned.ok && cosigned.verified.map((signature) => signature.name)).toEqual(['example.com/witness'])
  })

  it('answers a witness that already holds a checkpoint (409) by proving consistency from the size it names', async () => {
    const [alice, bob] = [await inProcessWitness(), await inProcessWitness()]
    const list = [
      { name: 'alice-laptop', key: notes.witnessVerifierKey, url: 'https://alice.example' },
      { name: 'bob-laptop', key: notes.witnessVerifierKey, url: 'https://bob.example' },
    ]
    const both = JSON.stringify(list)
    await runInDurableObject(theLedger(), (instance: DisclaimerLedger) => {
      instance.ledger.env = { ...instance.ledger.env, LOG_WITNESSES: JSON.stringify(list.slice(0, 1)) }
      instance.ledger.witnessFetch = (request) =>
        (new URL(request.url).host === 'alice.example' ? alice : bob).fetch(request)
    })
    await publish('global', 'A text only the first witness sees.')
    await runDurableObjectAlarm(theLedger())
    // bob joins holding what alice cosigned (a copy of her state): the ledger, knowing nothing of him, asks from 0.
    bob.seen.latest = alice.seen.latest
    await runInDurableObject(theLedger(), (instance: DisclaimerLedger) => {
      instance.ledger.env = { ...instance.ledger.env, LOG_WITNESSES: both }
    })
    await publish('global', 'A text both witnesses see.')
    await runDurableObjectAlarm(theLedger())
    const rows = await runInDurableObject(theLedger(), (_i: DisclaimerLedger, state) =>
      state.storage.sql
        .exec<{ witness: string; size: number }>('SELECT witness, size FROM log_cosignatures ORDER BY size, witness')
        .toArray(),
    )
    const latest = (await logState()).latest?.size

    expect(bob.seen.requests).toBe(2)
    expect(bob.seen.latest?.size).toBe(latest)
    expect(rows.filter((row) => row.size === latest).map((row) => row.witness)).toEqual(['alice-laptop', 'bob-laptop'])
  })

  it('asks its witnesses to cosign each checkpoint, serves their cosignatures, and tells operators of a fork', async () => {
    const witness = await inProcessWitness()
    await runInDurableObject(theLedger(), (instance: DisclaimerLedger) => {
      instance.ledger.env = { ...instance.ledger.env, LOG_WITNESSES: witnesses }
      instance.ledger.witnessFetch = witness.fetch
    })
    await publish('global', 'A first text the witness sees.')
    await runDurableObjectAlarm(theLedger())
    const cosigned = await logState()
    const opened = await openNote(cosigned.served ?? '', [cosignatureVerifier(key(notes.witnessVerifierKey))])

    expect(witness.seen.latest?.size).toBe(cosigned.latest?.size)
    expect(opened.ok && opened.verified.map((signature) => signature.name)).toEqual(['example.com/witness'])
    expect(cosigned.served?.startsWith(cosigned.latest?.note ?? '-')).toBe(true)

    // The witness was shown another history of the same size: the next checkpoint cannot extend what it holds.
    witness.seen.latest = { ...(witness.seen.latest as CosignedCheckpoint), root: new Uint8Array(32) }
    const requests = witness.seen.requests
    const result = await theLedger().publish({
      target: 'global',
      text: 'A second text.',
      base: (await theLedger().read('current', 'global'))?.version ?? 0,
      by: 'alice',
    })
    expect(result.ok).toBe(true)
    for (let run = 0; run < 3; run++) await runDurableObjectAlarm(theLedger())
    const refused = await logState()

    // The alert is a row of the log, so a checkpoint of it is asked for too, and refused, without a second alert.
    expect(witness.seen.requests).toBe(requests + 2)
    // Nothing is owed but the witness's retry, after the messages' delay.
    expect(refused.due).toBeGreaterThan(Date.now())
    expect(refused.latest?.size).toBeGreaterThan(cosigned.latest?.size ?? 0)
    expect(refused.served).toBe(refused.latest?.note)
    expect(refused.refusals).toHaveLength(1)
    expect(refused.refusals[0]?.actor).toBe('alice-laptop')
    expect(JSON.parse(refused.refusals[0]?.detail ?? '{}')).toMatchObject({
      witness: 'alice-laptop',
      size: (refused.latest?.size ?? 0) - 1,
      problem: expect.stringMatching(/^422: /),
    })
  })

  it("retries a witness it cannot reach on the messages' delays, and gives it up after theirs, telling operators once", async () => {
    const clock = { now: Date.now() }
    const asked: number[] = []
    await runInDurableObject(theLedger(), (instance: DisclaimerLedger) => {
      instance.ledger.env = { ...instance.ledger.env, LOG_WITNESSES: witnesses }
      instance.ledger.now = () => clock.now
      instance.ledger.witnessFetch = async () => {
        asked.push(clock.now)
        throw new Error('connection refused')
      }
    })
    const start = clock.now
    const [first, second] = DELIVERY_RETRY_DELAYS_MS as [number, number]
    await publish('global', 'A text no witness can see.')
    const job = () =>
      runInDurableObject(theLedger(), (_instance: DisclaimerLedger, state) => ({
        ...state.storage.sql
          .exec<{ due: number | null; attempts: number; gave_up_at: number | null; last_error: string }>(
            'SELECT due, attempts, gave_up_at, last_error FROM witness_jobs',
          )
          .one(),
        gaveUp: state.storage.sql.exec("SELECT 1 FROM events WHERE kind = 'witness_gave_up'").toArray().length,
      }))
    await runDurableObjectAlarm(theLedger())
    expect(await job()).toMatchObject({ due: start + first, attempts: 1, gave_up_at: null })
    expect((await job()).last_error).toBe('the witness could not be reached: connection refused')
    clock.now = start + first
    await runDurableObjectAlarm(theLedger())
    expect(await job()).toMatchObject({ due: clock.now + second, attempts: 2, gaveUp: 0 })

    clock.now = start + GIVE_UP_AFTER_MS
    for (let run = 0; run < 4; run++) await runDurableObjectAlarm(theLedger())
    const given = await job()
    expect(given).toMatchObject({ due: null, gave_up_at: start + GIVE_UP_AFTER_MS, gaveUp: 1 })
    // Asked once more for the checkpoint holding the alert, and not again: nothing new to cosign.
    const late = start + GIVE_UP_AFTER_MS
    expect(asked).toEqual([start, start + first, late, late])

    // Back online: the next change's checkpoint is cosigned, and the witness is no longer given up.
    const witness = await inProcessWitness()
    await runInDurableObject(theLedger(), (instance: DisclaimerLedger) => {
      instance.ledger.witnessFetch = witness.fetch
    })
    await publish('global', 'A text the witness sees again.')
    await runDurableObjectAlarm(theLedger())
    expect(await job()).toMatchObject({ due: null, attempts: 0, gave_up_at: null, gaveUp: 1 })
    expect(witness.seen.latest?.size).toBe((await logState()).latest?.size)
  })
})
