// The disclaimer CLI's commands for operators: what is wrong with a site's settings, each cron's work by hand, the
// copies of the record in R2, and point-in-time recovery of the ledger (docs/operations.md).
import { INSTANT_EXAMPLE, parseInstant } from '../../src/core/time.ts'
import { printable, validateField } from '../../src/core/validate.ts'
import { type AdminClient, CliError } from './admin-client.ts'

export const OPERATIONS_USAGE = `operations (docs/operations.md)
  settings                      what the site finds wrong with its settings, each with its fix (nothing: all well)
  reconcile                     record edits made around the ledger now, as the every-minute cron does
  backup                        copy the whole record to the BACKUPS bucket now, as the daily cron does
  backups                       the copies in the BACKUPS bucket, oldest first
  recover --at T --reason R     what restoring the ledger's storage to time T (within 30 days) would go back to;
          [--yes]               with --yes, restore it (a copy of the record as it is goes to BACKUPS first)
  recover --bookmark B --reason R --yes   restore to a bookmark, e.g. the "undo" bookmark a restore printed`

export const OPERATIONS_COMMANDS = new Set(['settings', 'reconcile', 'backup', 'backups', 'recover'])

export interface OperationOptions {
  at?: string
  bookmark?: string
  reason?: string
  yes?: boolean
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`
}

export async function runOperation(command: string, options: OperationOptions, client: AdminClient, label: string) {
  switch (command) {
    case 'settings': {
      const { problems } = await client.settings()
      if (problems.length === 0) {
        console.log(`${label}: every setting holds`)
        return
      }
      console.log(`${label}: ${problems.length} problem(s) with the settings; pages are served meanwhile`)
      for (const problem of problems) console.log(`  - ${printable(problem)}`)
      throw new CliError(`fix them in wrangler.toml or the secrets, then deploy again`)
    }
    case 'reconcile': {
      const { recorded } = await client.reconcile()
      console.log(`${label}: recorded ${recorded.length} edit(s) made around the ledger`)
      for (const version of recorded) console.log(`  ${version.target}: v${version.version}`)
      return
    }
    case 'backup': {
      const { backup, deleted } = await client.backup()
      console.log(`${label}: copied ${backup.rows} row(s), ${kib(backup.bytes)}, to ${backup.key}; head ${backup.head}`)
      if (deleted.length > 0) console.log(`deleted ${deleted.length} copy(ies) past their time: ${deleted.join(', ')}`)
      return
    }
    case 'backups': {
      const { retentionDays, backups } = await client.backups()
      console.log(`${label}: ${backups.length} copy(ies), each kept ${retentionDays} days (the newest always)`)
      for (const copy of backups) console.log(`  ${copy.key}  ${kib(copy.bytes).padStart(12)}  ${copy.uploaded}`)
      return
    }
    case 'recover':
      return recover(options, client, label)
  }
}

/** Refuses an operation's arguments that cannot work, before anything is started or sent; answers the reason. */
export function checkOperation(command: string, options: OperationOptions): string | undefined {
  if (command !== 'recover') return undefined
  const reason = validateField(options.reason ?? '', 'reason', { required: true })
  if (!reason.ok) throw new CliError(`${reason.reason}; pass --reason "why the ledger is being restored"`, 2)
  if ((options.at === undefined) === (options.bookmark === undefined)) {
    throw new CliError(`recover needs --at <time> (e.g. ${INSTANT_EXAMPLE}) or --bookmark <bookmark>, not both`, 2)
  }
  if (options.at !== undefined && parseInstant(options.at) === undefined) {
    throw new CliError(`--at needs a date and time with its offset, e.g. ${INSTANT_EXAMPLE}`, 2)
  }
  if (options.bookmark !== undefined && !options.yes) {
    throw new CliError('restoring to a bookmark needs --yes; nothing was changed', 2)
  }
  return reason.value
}

async function recover(options: OperationOptions, client: AdminClient, label: string) {
  const reason = checkOperation('recover', options) as string
  if (options.at !== undefined && !options.yes) {
    const point = await client.recoveryPoint(options.at)
    console.log(`${label}: restoring to ${point.time} would go back to bookmark ${point.bookmark}`)
    console.log(`the ledger stands now at bookmark ${point.current}`)
    console.log('every change recorded after that time would leave the ledger (a copy goes to BACKUPS first);')
    console.log('KV keeps its texts, and the next cron run records what the restored ledger lacks.')
    console.log('to do it, run the same command with --yes')
    return
  }
  const result = await client.recover({ time: options.at, bookmark: options.bookmark, reason })
  console.log(`${label}: the ledger's storage is restored to bookmark ${result.restoredTo}`)
  console.log(
    `the record as it stood before: ${result.copy.key} (${result.copy.rows} row(s), head ${result.copy.head})`,
  )
  console.log(`the ledger now: ${result.head ? `row ${result.head.pos}, head ${result.head.hash}` : 'empty'}`)
  console.log(`to undo it: npm run disclaimer -- recover --bookmark ${result.undo} --reason "…" --yes`)
}
