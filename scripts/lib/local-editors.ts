// The editors of a local store: one token file each beside the store, and the EDITORS secret made from them.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { newToken, tokenHash } from '../../src/core/editors.ts'
import { PROJECT_ROOT } from './paths.ts'

/** The store `npm start` and `wrangler dev` use. */
export const LOCAL_STORE = join(PROJECT_ROOT, '.wrangler/state')
/** Two editors, so that one can propose and the other approve. */
export const LOCAL_EDITORS = ['alice', 'bob'] as const

/** Where a local editor is told of changes: an example address, which the local email simulation writes to disk. */
function localEmail(editor: string): string {
  return `${editor}@example.org`
}

export function tokenFile(store: string, editor: string): string {
  return join(store, 'editors', `${editor}.token`)
}

/**
 * Creates a token file for each local editor that has none; returns the EDITORS secret for every token file, each
 * editor with an example address.
 */
export async function ensureLocalEditors(store: string): Promise<string> {
  const dir = join(store, 'editors')
  mkdirSync(dir, { recursive: true })
  for (const editor of LOCAL_EDITORS) {
    if (!existsSync(tokenFile(store, editor)))
      writeFileSync(tokenFile(store, editor), `${newToken()}\n`, { mode: 0o600 })
  }
  const entries: Record<string, { token: string; email: string }> = {}
  for (const name of readdirSync(dir)
    .filter((file) => file.endsWith('.token'))
    .sort()) {
    const editor = name.slice(0, -'.token'.length)
    entries[editor] = {
      token: await tokenHash(readFileSync(join(dir, name), 'utf8').trim()),
      email: localEmail(editor),
    }
  }
  return JSON.stringify(entries)
}

/**
 * Writes EDITORS into .dev.vars (which `wrangler dev` reads), with a SESSION_SECRET for the console's session
 * cookies if there is none yet; every other line there is kept.
 */
export function writeDevVars(editorsSecret: string, path = join(PROJECT_ROOT, '.dev.vars')): void {
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : []
  const others = lines.filter((line) => line.trim() !== '' && !/^\s*EDITORS\s*=/.test(line))
  const session = others.some((line) => /^\s*SESSION_SECRET\s*=/.test(line)) ? [] : [`SESSION_SECRET='${newToken()}'`]
  writeFileSync(path, `${[...others, ...session, `EDITORS='${editorsSecret}'`].join('\n')}\n`, { mode: 0o600 })
}
