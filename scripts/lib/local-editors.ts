// The editors of a local store: one token file each beside the store, and the EDITORS secret made from them.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { newToken, tokenHash } from '../../src/core/editors.ts'
import { ledgerSecretProblem, newLedgerSecret } from '../../src/core/kv-contract.ts'
import { generateKeyPair } from '../../src/core/log/note-keys.ts'
import { logOrigin, signingKeyProblem } from '../../src/core/log-config.ts'
import { PROJECT_ROOT } from './paths.ts'

/** The store `npm start` and `wrangler dev` use. */
export const LOCAL_STORE = join(PROJECT_ROOT, '.wrangler/state')
/** Two editors, so that one can propose and the other approve; and a reviewer, to try reviews. */
export const LOCAL_EDITORS = ['alice', 'bob', 'drlee'] as const

/** The local reviewer's name and credentials, as pages show them: examples, marked as such. */
export const LOCAL_REVIEWERS: Readonly<Record<string, { name: string; credentials: string }>> = {
  drlee: { name: 'Dr. Ana Lee', credentials: 'MD, toxicology (example credentials)' },
}

/** Where a local editor is told of changes: an example address, which the local email simulation writes to disk. */
function localEmail(editor: string): string {
  return `${editor}@example.org`
}

export function tokenFile(store: string, editor: string): string {
  return join(store, 'editors', `${editor}.token`)
}

/**
 * Creates a token file for each local editor that has none; returns the EDITORS secret for every token file, each
 * editor with an example address (and the local reviewer with their example name and credentials).
 */
export async function ensureLocalEditors(store: string): Promise<string> {
  const dir = join(store, 'editors')
  mkdirSync(dir, { recursive: true })
  for (const editor of LOCAL_EDITORS) {
    if (!existsSync(tokenFile(store, editor)))
      writeFileSync(tokenFile(store, editor), `${newToken()}\n`, { mode: 0o600 })
  }
  const entries: Record<
    string,
    { token: string; email: string; reviewer?: true; name?: string; credentials?: string }
  > = {}
  for (const name of readdirSync(dir)
    .filter((file) => file.endsWith('.token'))
    .sort()) {
    const editor = name.slice(0, -'.token'.length)
    entries[editor] = {
      token: await tokenHash(readFileSync(join(dir, name), 'utf8').trim()),
      email: localEmail(editor),
      ...(LOCAL_REVIEWERS[editor] && { reviewer: true as const, ...LOCAL_REVIEWERS[editor] }),
    }
  }
  return JSON.stringify(entries)
}

/** The .dev.vars a store's Worker reads: the project's (where `wrangler dev` looks) for the default store, else its own. */
export function devVarsOf(store: string): string {
  return store === LOCAL_STORE ? join(PROJECT_ROOT, '.dev.vars') : join(store, '.dev.vars')
}

function readDevVars(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n') : []
}

/** A value written in .dev.vars as `NAME=value`, `NAME='value'` or `NAME="value"`; undefined when it is not there. */
function devVar(lines: string[], name: string): string | undefined {
  for (const line of lines) {
    const match = new RegExp(`^\\s*${name}\\s*=\\s*(.*?)\\s*$`).exec(line)
    if (match) return (match[1] as string).replace(/^(['"])(.*)\1$/, '$2')
  }
  return undefined
}

/**
 * The LEDGER_SECRET in the .dev.vars at `path`, made and written there if it has none: the key the store's ledger
 * signs KV's metadata with, so `npm start` and the CLI's own local server use the same one. Throws, saying how to
 * fix it, when the one there cannot be used.
 */
export function ensureLedgerSecret(path: string): string {
  const lines = readDevVars(path)
  const held = devVar(lines, 'LEDGER_SECRET')
  if (held !== undefined) {
    const problem = ledgerSecretProblem(held)
    if (problem) throw new Error(`${path}: ${problem} (or delete the line, and a new one is made)`)
    return held
  }
  const secret = newLedgerSecret()
  const kept = lines.filter((line) => line.trim() !== '')
  writeFileSync(path, `${[...kept, `LEDGER_SECRET='${secret}'`].join('\n')}\n`, { mode: 0o600 })
  return secret
}

/** The local site's SITE_ORIGIN (wrangler.toml's top level), whatever port npm start serves it on. */
export const LOCAL_SITE_ORIGIN = 'http://localhost:8787'
/** The local log's key name, its origin: what its checkpoints and signature lines and its verifier key start with. */
export const LOCAL_LOG_KEY_NAME = logOrigin(LOCAL_SITE_ORIGIN)

/**
 * The LOG_SIGNING_KEY in the .dev.vars at `path`, made and written there if it has none (as LEDGER_SECRET is): the
 * key the local log signs its checkpoints with. Throws, saying how to fix it, when the one there cannot be used.
 */
export async function ensureLogSigningKey(path: string): Promise<string> {
  const lines = readDevVars(path)
  const held = devVar(lines, 'LOG_SIGNING_KEY')
  if (held !== undefined) {
    const problem = signingKeyProblem(held)
    if (problem) throw new Error(`${path}: ${problem} (or delete the line, and a new one is made)`)
    return held
  }
  const { signerKey } = await generateKeyPair(LOCAL_LOG_KEY_NAME)
  const kept = lines.filter((line) => line.trim() !== '')
  writeFileSync(path, `${[...kept, `LOG_SIGNING_KEY='${signerKey}'`].join('\n')}\n`, { mode: 0o600 })
  return signerKey
}

/**
 * Writes EDITORS into .dev.vars (which `wrangler dev` reads), with a SESSION_SECRET for the console's session
 * cookies and a LEDGER_SECRET for the ledger's signatures if there are none yet; every other line there is kept.
 */
export function writeDevVars(editorsSecret: string, path = join(PROJECT_ROOT, '.dev.vars')): void {
  ensureLedgerSecret(path)
  const lines = readDevVars(path)
  const others = lines.filter((line) => line.trim() !== '' && !/^\s*EDITORS\s*=/.test(line))
  const session = others.some((line) => /^\s*SESSION_SECRET\s*=/.test(line)) ? [] : [`SESSION_SECRET='${newToken()}'`]
  writeFileSync(path, `${[...others, ...session, `EDITORS='${editorsSecret}'`].join('\n')}\n`, { mode: 0o600 })
}
