// Asking the witnesses of LOG_WITNESSES to cosign each new checkpoint (C2SP tlog-witness add-checkpoint), from the
// alarm, never in a write's way: one job per witness, woken by every checkpoint, retried as messages are and given
// up as they are; a 409 is answered from the size the witness names; a refusal is an operators' alert.
import { cosignatureVerifier } from '../core/log/cosignature.ts'
import { openNote, signatureLine } from '../core/log/note.ts'
import { consistencyProof } from '../core/log/tree-store.ts'
import { formatAddCheckpointRequest, readAddCheckpointAnswer } from '../core/log/witness-protocol.ts'
import type { Witness } from '../core/log-config.ts'
import { nextAttemptAt } from './deliveries.ts'
import { addCosignature, latestCheckpoint, type StoredCheckpoint } from './log-checkpoints.ts'
import { sqlHashStore } from './log-tree.ts'

/** How long the ledger waits for a witness's answer. */
export const WITNESS_TIMEOUT_MS = 10_000
/** Requests to one witness in one alarm: a 409 names the size to prove from, and the ledger asks again at once. */
export const REQUESTS_PER_WITNESS = 3

/** Something operators must hear of: a witness refused a checkpoint (a fork?), or has failed for days. */
export interface WitnessAlert {
  kind: 'witness_refused' | 'witness_gave_up'
  witness: string
  size: number
  problem: string
}

export interface WitnessPorts {
  sql: SqlStorage
  transact<T>(work: () => T): T
  now(): number
  /** Sends one request to a witness; a seam, so tests answer with a witness in the same process. */
  fetch(request: Request): Promise<Response>
  /** Records an alert for the operators, inside the caller's transaction. */
  alert(alert: WitnessAlert): void
}

type Job = {
  witness: string
  size: number
  due: number | null
  attempts: number
  failing_since: number | null
  gave_up_at: number | null
  alerted_size: number | null
}

/**
 * Makes every witness due now: run in the transaction that stores a new checkpoint. A witness given up is asked once
 * more; it stays given up (and is not told of again) until it cosigns.
 */
export function wakeWitnesses(sql: SqlStorage, witnesses: readonly Witness[], now: number): void {
  for (const { name } of witnesses) {
    sql.exec(
      `INSERT INTO witness_jobs (witness, due) VALUES (?, ?)
       ON CONFLICT (witness) DO UPDATE SET due = excluded.due, attempts = 0`,
      name,
      now,
    )
  }
}

/** When the next witness is due, or null: one row of an index. */
export function nextWitnessAt(sql: SqlStorage): number | null {
  const row = sql
    .exec<{ due: number }>('SELECT due FROM witness_jobs WHERE due IS NOT NULL ORDER BY due LIMIT 1')
    .toArray()[0]
  return row?.due ?? null
}

function jobOf(sql: SqlStorage, witness: string): Job | undefined {
  return sql.exec<Job>('SELECT * FROM witness_jobs WHERE witness = ?', witness).toArray()[0]
}

type Outcome =
  | { kind: 'cosigned'; line: string }
  | { kind: 'conflict'; size: number }
  | { kind: 'refused'; problem: string }
  | { kind: 'failed'; problem: string }

async function ask(ports: WitnessPorts, witness: Witness, old: number, checkpoint: StoredCheckpoint): Promise<Outcome> {
  const proof = consistencyProof(sqlHashStore(ports.sql), old, checkpoint.size)
  const body = formatAddCheckpointRequest({ oldSize: old, proof, checkpoint: checkpoint.note })
  let response: Response
  let text: string
  try {
    response = await ports.fetch(
      new Request(`${witness.url}/add-checkpoint`, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        signal: AbortSignal.timeout(WITNESS_TIMEOUT_MS),
      }),
    )
    text = await response.text()
  } catch (error) {
    return { kind: 'failed', problem: `the witness could not be reached: ${(error as Error).message}` }
  }
  const answer = readAddCheckpointAnswer(response.status, response.headers.get('Content-Type'), text)
  if (answer.ok) {
    const split = checkpoint.note.indexOf('\n\n')
    const opened = await openNote(`${checkpoint.note.slice(0, split + 2)}${answer.cosignatures}`, [
      cosignatureVerifier(witness.key),
    ])
    const mine = opened.ok ? opened.verified[0] : undefined
    if (!mine) {
      return {
        kind: 'failed',
        problem: `the witness answered 200, but with no cosignature its key verifies: ${opened.ok ? '' : opened.problem}`,
      }
    }
    return { kind: 'cosigned', line: signatureLine(mine) }
  }
  if (answer.status === 409 && answer.size !== undefined) return { kind: 'conflict', size: answer.size }
  const problem = `${answer.status}: ${answer.meaning}${answer.detail ? `: ${answer.detail}` : ''}`
  return answer.status === 422 ? { kind: 'refused', problem } : { kind: 'failed', problem }
}

/**
 * Asks each configured witness that is due to cosign the latest checkpoint, proving consistency from the size it
 * last cosigned. Answers what happened to each witness asked.
 */
export async function askWitnesses(
  ports: WitnessPorts,
  witnesses: readonly Witness[],
): Promise<Record<string, string>> {
  const done: Record<string, string> = {}
  const now = ports.now()
  const due = new Set(
    ports.sql
      .exec<{ witness: string }>('SELECT witness FROM witness_jobs WHERE due <= ?', now)
      .toArray()
      .map((row) => row.witness),
  )
  for (const witness of witnesses) {
    if (!due.delete(witness.name)) continue
    done[witness.name] = await askOne(ports, witness)
  }
  // A witness no longer configured is not asked again, so its job must not keep the alarm coming.
  for (const name of due) settle(ports, name)
  return done
}

function hasCosigned(sql: SqlStorage, witness: string, size: number): boolean {
  return sql.exec('SELECT 1 FROM log_cosignatures WHERE size = ? AND witness = ?', size, witness).toArray().length > 0
}

function settle(ports: WitnessPorts, witness: string): void {
  ports.transact(() => ports.sql.exec('UPDATE witness_jobs SET due = NULL WHERE witness = ?', witness))
}

async function askOne(ports: WitnessPorts, witness: Witness): Promise<string> {
  const checkpoint = latestCheckpoint(ports.sql)
  let job = jobOf(ports.sql, witness.name)
  if (!checkpoint || !job) {
    settle(ports, witness.name)
    return 'nothing to ask'
  }
  for (let request = 0; request < REQUESTS_PER_WITNESS; request++) {
    if (job.size === checkpoint.size && hasCosigned(ports.sql, witness.name, checkpoint.size)) {
      settle(ports, witness.name)
      return 'up to date'
    }
    if (job.size > checkpoint.size) {
      const problem = `the witness says it cosigned a tree of ${job.size} entries, but the log has ${checkpoint.size}: the log lost entries it had signed (a restore?), or another log uses this origin`
      return failed(ports, witness, job, problem, true)
    }
    const outcome = await ask(ports, witness, job.size, checkpoint)
    if (outcome.kind === 'cosigned') {
      ports.transact(() => {
        addCosignature(ports.sql, checkpoint.size, witness.name, outcome.line, ports.now())
        ports.sql.exec(
          `UPDATE witness_jobs SET size = ?, due = NULL, attempts = 0, last_error = NULL, failing_since = NULL,
             gave_up_at = NULL, alerted_size = NULL WHERE witness = ?`,
          checkpoint.size,
          witness.name,
        )
      })
      return `cosigned ${checkpoint.size}`
    }
    if (outcome.kind !== 'conflict') return failed(ports, witness, job, outcome.problem, outcome.kind === 'refused')
    const size = outcome.size
    ports.transact(() => ports.sql.exec('UPDATE witness_jobs SET size = ? WHERE witness = ?', size, witness.name))
    job = { ...job, size }
  }
  return failed(ports, witness, job, `the witness answered 409 ${REQUESTS_PER_WITNESS} times in a row`, false)
}

/** Counts a failed attempt: retried and given up (and alerted, once) as a message is (`nextAttemptAt`). */
function failed(ports: WitnessPorts, witness: Witness, job: Job, problem: string, refused: boolean): string {
  const now = ports.now()
  const since = job.failing_since ?? now
  const nextAt = nextAttemptAt(job.attempts, since, now)
  const giveUp = nextAt === null
  ports.transact(() => {
    ports.sql.exec(
      `UPDATE witness_jobs SET attempts = attempts + 1, last_error = ?, failing_since = ?, due = ?, gave_up_at = ?
       WHERE witness = ?`,
      problem,
      since,
      nextAt,
      giveUp ? (job.gave_up_at ?? now) : null,
      witness.name,
    )
    const size = latestCheckpoint(ports.sql)?.size ?? 0
    // Once per streak: the alert is itself a row of the log, so alerting per checkpoint would never end.
    if (refused && job.alerted_size === null) {
      ports.alert({ kind: 'witness_refused', witness: witness.name, size, problem })
      ports.sql.exec('UPDATE witness_jobs SET alerted_size = ? WHERE witness = ?', size, witness.name)
    } else if (giveUp && job.gave_up_at === null) {
      ports.alert({ kind: 'witness_gave_up', witness: witness.name, size, problem })
    }
  })
  if (refused) console.error(`log: witness ${witness.name} refused the checkpoint`, { problem })
  return problem
}

/** Each witness's job as it stands, for operators. */
export function witnessJobs(sql: SqlStorage) {
  return sql
    .exec<Job & { last_error: string | null; gave_up_at: number | null }>('SELECT * FROM witness_jobs ORDER BY witness')
    .toArray()
}
