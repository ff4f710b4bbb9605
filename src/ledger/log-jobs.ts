// The log's two alarm jobs: sign a checkpoint once the tree has grown (and wake the witnesses in that step), then ask
// the witnesses that are due to cosign it. Both run after the write that grew the tree, never in its way.
import { parseWitnesses, type Witness } from '../core/log-config.ts'
import type { LedgerContext } from './context.ts'
import { checkpointDue, logSigner, signCheckpoint } from './log-checkpoints.ts'
import { askWitnesses, nextWitnessAt, type WitnessAlert, wakeWitnesses } from './log-witnesses.ts'

/** LOG_WITNESSES as the ledger asks them: none while the list has a problem (settings.ts reports it). */
export function configuredWitnesses(env: { LOG_WITNESSES?: string }): Witness[] {
  const list = parseWitnesses(env.LOG_WITNESSES)
  return list.ok ? list.witnesses : []
}

/** When the log's next job is due: now while a checkpoint is owed (and a key is set to sign it), else a witness's. */
export function nextLogJobAt(sql: SqlStorage, env: { LOG_SIGNING_KEY?: string }, now: number): number | null {
  if (env.LOG_SIGNING_KEY && checkpointDue(sql)) return now
  return nextWitnessAt(sql)
}

/** Signs the tree as it stands, if it grew since the last checkpoint; throws when LOG_SIGNING_KEY is set but unusable. */
export async function signLog(ledger: LedgerContext): Promise<number | null> {
  if (!ledger.env.LOG_SIGNING_KEY || !checkpointDue(ledger.sql)) return null
  const signer = await logSigner(ledger.env)
  if (!signer.ok) throw new Error(signer.problem)
  const witnesses = configuredWitnesses(ledger.env)
  const signed = await signCheckpoint(ledger, signer, () => wakeWitnesses(ledger.sql, witnesses, ledger.now()))
  return signed?.size ?? null
}

/** Asks each witness that is due; a refusal or a witness given up is told to the operators as an event. */
export function askLogWitnesses(ledger: LedgerContext): Promise<Record<string, string>> {
  const alert = ({ kind, witness, size, problem }: WitnessAlert) =>
    ledger.tell({ kind, actor: witness, detail: { witness, size, problem } }, ledger.now())
  const ports = { sql: ledger.sql, transact: ledger.transact, now: ledger.now, fetch: ledger.witnessFetch, alert }
  return askWitnesses(ports, configuredWitnesses(ledger.env))
}
