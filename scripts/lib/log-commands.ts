// The disclaimer CLI's checks of the public log: verify-page and verify --checkpoint. Nothing is sent but GET
// requests for a page and the log's files; no token, no --local or --env.
import { CliError } from './cli-error.ts'
import { readTrust } from './log-trust.ts'
import { verifyCheckpoint } from './verify-checkpoint.ts'
import { type Outcome, verifyPage } from './verify-page.ts'

export const LOG_USAGE = `the public log (anyone can run these; see docs/ledger.md, "Checking the log")
  verify-page <url or .html file> --key K [--witness W]... [--quorum N] [--site S]
                                prove that each disclaimer on a page is the log entry it names, in a checkpoint
                                signed by K: the log's verifier key as docs/ledger.md publishes it (or a file
                                holding it), never one the site serves. W: a witness's verifier key; N of them
                                must have cosigned (1 by default when any is given). S: whose log, by default
                                the page's site
  verify --checkpoint F --key K [--witness W]... [--quorum N] [--site S]
                                prove from the log's tiles that it extends the signed checkpoint in F (saved, or a
                                message the ledger sent, pasted or raw); a rewritten log fails. No export needed
  exit codes: 0 proved, 1 not proved, 2 a usage error`

export interface LogOptions {
  key?: string
  witness?: string[]
  quorum?: string
  site?: string
  checkpoint?: string
}

function report(outcome: Outcome): void {
  for (const line of outcome.lines.slice(0, -1)) console.log(line)
  const verdict = outcome.lines.at(-1) ?? ''
  if (!outcome.ok) throw new CliError(verdict, 1)
  console.log(verdict)
}

export async function verifyPageCommand(source: string | undefined, options: LogOptions): Promise<void> {
  if (!source) throw new CliError('verify-page needs a page: its URL, or a saved .html file', 2)
  const trust = readTrust(options)
  report(await verifyPage({ source, trust, ...(options.site === undefined ? {} : { site: options.site }) }))
}

export async function verifyCheckpointCommand(options: LogOptions): Promise<void> {
  const file = options.checkpoint
  if (!file) throw new CliError('--checkpoint needs a file: a saved checkpoint, or a message the ledger sent', 2)
  const trust = readTrust(options)
  report(await verifyCheckpoint({ file, trust, ...(options.site === undefined ? {} : { site: options.site }) }))
}
