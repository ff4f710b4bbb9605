// `npm run disclaimer -- <command>`: read and change the disclaimers through the ledger, from a terminal. The
// commands live in lib/disclaimer-commands.ts; this entry parses the arguments and runs those that send nothing (an
// export's check, the log's checks, new keys), each loading only its own module.
import { parseArgs } from 'node:util'
import type { Verdict } from '../src/core/chain.ts'
import { printable } from '../src/core/validate.ts'
import { CliError } from './lib/cli-error.ts'

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      local: { type: 'boolean' },
      env: { type: 'string' },
      'persist-to': { type: 'string' },
      as: { type: 'string' },
      'token-file': { type: 'string' },
      text: { type: 'string' },
      file: { type: 'string' },
      note: { type: 'string' },
      reason: { type: 'string' },
      at: { type: 'string' },
      out: { type: 'string' },
      head: { type: 'string' },
      hash: { type: 'string' },
      version: { type: 'string' },
      limit: { type: 'string' },
      bookmark: { type: 'string' },
      yes: { type: 'boolean' },
      checkpoint: { type: 'string' },
      key: { type: 'string' },
      witness: { type: 'string', multiple: true },
      quorum: { type: 'string' },
      site: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}

export type Options = ReturnType<typeof parse>['values']

/**
 * Checks an export offline, reading it line by line: exit 0 when it is whole and its chain holds, else the first line
 * that does not and exit 1.
 */
async function verify(file: string | undefined, head: string | undefined): Promise<void> {
  if (!file) throw new CliError('verify needs the export file: npm run disclaimer -- verify <file> [--head <hash>]', 2)
  if (head !== undefined && !/^[0-9a-fA-F]{64}$/.test(head)) {
    throw new CliError('--head needs a chain hash: 64 hex digits, as a message’s checkpoint gives it', 2)
  }
  const { NotUtf8Error, verifyFile } = await import('./lib/record-file.ts')
  let verdict: Verdict
  try {
    verdict = await verifyFile(file, head)
  } catch (error) {
    if (error instanceof NotUtf8Error) throw new CliError(`${file}: NOT VERIFIED: ${error.message}`)
    throw new CliError(`cannot read ${file}`, 2)
  }
  if (!verdict.ok)
    throw new CliError(`${file}: NOT VERIFIED after ${verdict.rows} row(s): ${printable(verdict.problem)}`)
  console.log(`${file}: verified: ${verdict.rows} row(s) and the end line, the chain holds; head ${verdict.head}`)
  if (verdict.headFound !== undefined) {
    console.log(`the head you gave is row ${verdict.headFound}: nothing up to it was rewritten since it was given`)
  }
}

export async function main(argv: string[]): Promise<void> {
  const { values: options, positionals } = parse(argv)
  const [command, ...rest] = positionals
  // What sends nothing loads only what it needs: a million-row check or a new token does not pay for every command
  // that reaches the ledger (measured: about half of such a run's CPU).
  if (!options.help) {
    if (command === 'verify' && options.checkpoint === undefined) return verify(rest[0], options.head)
    if (command === 'verify') return (await import('./lib/log-commands.ts')).verifyCheckpointCommand(options)
    if (command === 'verify-page') return (await import('./lib/log-commands.ts')).verifyPageCommand(rest[0], options)
    if (command === 'log-key') return (await import('./lib/key-commands.ts')).newLogKey(rest[0], options.env)
    if (command === 'editor') return (await import('./lib/key-commands.ts')).newEditor(rest[0])
    if (command === 'secret') return (await import('./lib/key-commands.ts')).newSecret()
  }
  const { runCommand } = await import('./lib/disclaimer-commands.ts')
  return runCommand(command, rest, options)
}

/** How the CLI ends on an error: the line it prints to stderr, and its exit code (a CliError's own, else 1). */
export function failure(error: unknown): { line: string; exitCode: number } {
  return {
    line: `disclaimer: ${error instanceof Error ? error.message : String(error)}`,
    exitCode: error instanceof CliError ? error.exitCode : 1,
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    const { line, exitCode } = failure(error)
    console.error(line)
    process.exit(exitCode)
  })
}
