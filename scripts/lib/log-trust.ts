// What a check of the log trusts, and only that: the log's verifier key and the witnesses' keys the person checking
// brings (never keys the checked site serves), and the checkpoint the site serves now measured against them.
import { existsSync, readFileSync } from 'node:fs'
import { keyLabel, openServedCheckpoint, type TrustedCheckpoint } from '../../src/core/log/log-client.ts'
import { COSIGNATURE_V1, ED25519, type PublicKey, parseVerifierKey } from '../../src/core/log/note-keys.ts'
import { printable } from '../../src/core/validate.ts'
import { CliError } from './cli-error.ts'
import type { LogFiles } from './log-fetch.ts'

export interface LogTrust {
  log: PublicKey
  witnesses: PublicKey[]
  /** How many of `witnesses` must have cosigned. */
  quorum: number
}

/** A verifier key given as an argument: the key itself, or a file holding it; exit 2 with why when it is neither. */
export function readVerifierKey(value: string | undefined, flag: string, type: number): PublicKey {
  const kind = type === ED25519 ? "the log's verifier key" : "a witness's verifier key (cosignature/v1)"
  if (!value) throw new CliError(`${flag} needs ${kind}: <name>+<8 hex digits>+<base64>, or a file holding it`, 2)
  let text = value
  if (!parseVerifierKey(value).ok && existsSync(value)) {
    text = readFileSync(value, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .join('\n')
  }
  const parsed = parseVerifierKey(text)
  if (!parsed.ok) throw new CliError(`${flag}: ${printable(parsed.problem)} (give ${kind}, or a file holding it)`, 2)
  if (parsed.key.type !== type) {
    const other = type === ED25519 ? "a witness's cosignature key (type 0x04)" : "a log's note key (type 0x01)"
    throw new CliError(`${flag}: ${keyLabel(parsed.key)} is ${other}, not ${kind}`, 2)
  }
  return parsed.key
}

/** The trust a command's flags give: --key (required), --witness (any number), --quorum (default 1 with witnesses). */
export function readTrust(options: { key?: string; witness?: string[]; quorum?: string }): LogTrust {
  if (options.key === undefined) {
    throw new CliError(
      '--key is needed: the log\'s verifier key, as docs/ledger.md publishes it ("Checking the log"), or a file holding it. It is never taken from the site being checked.',
      2,
    )
  }
  const log = readVerifierKey(options.key, '--key', ED25519)
  const witnesses = (options.witness ?? []).map((value) => readVerifierKey(value, '--witness', COSIGNATURE_V1))
  const quorum = options.quorum === undefined ? Math.min(1, witnesses.length) : Number(options.quorum)
  if (!Number.isInteger(quorum) || quorum < 0 || quorum > witnesses.length) {
    throw new CliError(`--quorum must be a whole number from 0 to the ${witnesses.length} --witness key(s) given`, 2)
  }
  return { log, witnesses, quorum }
}

export { logOrigin } from '../../src/core/log-config.ts'

export type Served = { ok: true; trusted: TrustedCheckpoint; lines: string[] } | { ok: false; lines: string[] }

/**
 * Fetches the log's checkpoint and opens it with `trust`: the lines say what it holds and who signed it; not ok
 * when the log's signature does not hold, or fewer witnesses than the quorum cosigned it.
 */
export async function servedCheckpoint(files: LogFiles, trust: LogTrust, origin: string): Promise<Served> {
  let note: Uint8Array
  try {
    note = await files.file('checkpoint')
  } catch (error) {
    return { ok: false, lines: [`NOT PROVED: the log's checkpoint could not be read: ${(error as Error).message}`] }
  }
  const opened = await openServedCheckpoint(note, { log: trust.log, witnesses: trust.witnesses }, origin)
  if (!opened.ok) {
    return {
      ok: false,
      lines: [`NOT PROVED: ${files.base}checkpoint does not hold: ${printable(opened.problem)}`],
    }
  }
  const { trusted } = opened
  const { size, root } = trusted.checkpoint
  const lines = [
    `checkpoint ${files.base}checkpoint: ${trusted.checkpoint.origin}, ${size} entries, root ${Buffer.from(root).toString('base64')}`,
    `  signed by the log key you gave, ${trusted.logKey}`,
    ...trusted.witnesses.map((seen) =>
      seen.cosigned
        ? `  cosigned by witness ${seen.key} at ${new Date(seen.time * 1000).toISOString()}`
        : `  NOT cosigned by witness ${seen.key}: ${printable(seen.problem)}`,
    ),
    ...trusted.unchecked.map((key) => `  also signed by ${printable(key)} (not checked: you gave no key for it)`),
  ]
  const cosigned = trusted.witnesses.filter((seen) => seen.cosigned).length
  if (cosigned < trust.quorum) {
    lines.push(
      `NOT PROVED: ${cosigned} of the ${trust.witnesses.length} witness(es) you gave cosigned this checkpoint; --quorum asks for ${trust.quorum}`,
    )
    return { ok: false, lines }
  }
  return { ok: true, trusted, lines }
}
