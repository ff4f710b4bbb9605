// The disclaimer CLI's commands that reach the ledger (scripts/disclaimer.ts parses the arguments, runs those that send
// nothing itself, and hands the rest here): each reads or changes it through the admin API of a local store or an
// environment.
import { readFileSync } from 'node:fs'
import { createTwoFilesPatch } from 'diff'
import { DEFAULT_DISCLAIMERS } from '../../src/core/defaults.ts'
import { keyOf } from '../../src/core/keys.ts'
import type { PublishResult } from '../../src/core/ledger-types.ts'
import { isTarget, TARGETS } from '../../src/core/site-map.ts'
import { INSTANT_EXAMPLE, parseInstant, scheduleProblem } from '../../src/core/time.ts'
import { printable, validateDisclaimer, validateField } from '../../src/core/validate.ts'
import type { Options } from '../disclaimer.ts'
import { type AdminClient, adminClient, CliError, localTarget, readToken, remoteTarget } from './admin-client.ts'
import {
  eventBlock,
  proposalLine,
  scheduleLine,
  shownBlock,
  unrecordedBlock,
  versionBlock,
  versionLine,
} from './disclaimer-format.ts'
import { ensureLocalEditors, LOCAL_STORE } from './local-editors.ts'
import { LOG_USAGE } from './log-commands.ts'
import { checkOperation, OPERATIONS_COMMANDS, OPERATIONS_USAGE, runOperation } from './operations-commands.ts'
import { exportToFile, exportToStdout } from './record-file.ts'
import { checkReview, REVIEW_COMMANDS, REVIEW_USAGE, runReview } from './review-commands.ts'

const USAGE = `usage: npm run disclaimer -- <command> [arguments] (--local | --env <environment>) [options]

reading
  get [target]                  the current text, its version, who made it and when, whether KV holds it
  history [target]              every version, newest first
  at <time> [target]            what pages showed at a time (a version, the bundled default, no note), e.g.
                                2026-11-28T09:30:00Z
  audit [--limit N]             every version of every disclaimer, newest first
  proposals                     the proposals waiting for a second editor
  notifications [--limit N]     who the ledger told of what, and when (or why it is still retrying)
  diff [target] [--version N]   the current text against the bundled default, or against version N

changing (each names the version it replaces: if someone changed it since, nothing is written)
  set [target] (--file F | --text T | stdin) [--note N] [--at T]      publish now, or at time T (where no
                                                                      approval is required)
  propose [target] (--file F | --text T | stdin) [--note N] [--at T]  ask another editor to approve it; with
                                                                      --at, it goes live at T once approved
  scheduled                     the changes set to go live later, and how earlier ones ended (a disclaimer has
                                one at most: while it is pending, a second --at is refused, naming it)
  cancel <schedule> --reason R  stop a scheduled change before its time
  approve <proposal> [--note N]  publish another editor's proposal
  reject <proposal> --reason R
  rollback <version> [target] [--note N]   make an earlier version's text current again
  seed                          write the bundled defaults where nothing is set yet
  import                        whether the pre-ledger history (history/<key>/... in KV) was imported, and what
                                it found (the cron imports it once; no command can)

the record (hash-chained; see docs/ledger.md)
  export [--out F]              the whole record as JSON Lines, every row with its chain hash (stdout by default)
  verify <file> [--head H]      check an export offline (no --local or --env: nothing is sent); with --head, that
                                a chain hash remembered earlier (an email's checkpoint) is one of its rows

${LOG_USAGE}

${OPERATIONS_USAGE}

${REVIEW_USAGE}

editors and secrets (no --local or --env: nothing is sent)
  editor <name>                 a new token for an editor, and the entry to put in the EDITORS secret
  secret                        a new LEDGER_SECRET (the key the ledger signs KV's metadata with), and how to set it
  log-key <site host> | --env E a new LOG_SIGNING_KEY (the log's checkpoints are signed with it) and its verifier key,
                                named for the log's origin, <host>/disclaimer-log (E: the host of E's SITE_ORIGIN)

target: global (the default) or a page: ${TARGETS.filter((name) => name !== 'global').join(', ')}.
where:  --local is the store of \`npm start\` (.wrangler/state; --persist-to <dir> for another): while npm start runs
        on it, its site, on the port the store records; else a Worker the CLI starts on the store, with the
        variables npm start last ran it with (REQUIRE_APPROVAL too). --env <environment> (one of wrangler.toml's
        [env.*], e.g. staging, production) is that environment's site, over HTTPS.
token:  for --env, $DISCLAIMER_TOKEN or --token-file <file>; with --local only a local editor's, picked with
        --as <editor> (alice, bob, drlee the reviewer): a real token is never sent to a local server.`

function reviewOptions(options: Options) {
  return {
    ...(options.note !== undefined && { note: options.note }),
    ...(options.hash !== undefined && { hash: options.hash }),
  }
}

function targetArg(value: string | undefined): string {
  const target = value ?? 'global'
  if (!isTarget(target))
    throw new CliError(`"${printable(target)}" is not a disclaimer; use one of: ${TARGETS.join(', ')}`, 2)
  return target
}

function numberArg(value: string | undefined, what: string): number {
  const number = Number(value?.replace(/^v/, ''))
  if (!value || !Number.isInteger(number) || number < 1) throw new CliError(`${what}: expected a number, e.g. 12`, 2)
  return number
}

/** A go-live time: ISO 8601 with its offset, so no one has to guess the zone; checked before anything is sent. */
function timeArg(value: string): string {
  const instant = parseInstant(value)
  if (instant === undefined) {
    throw new CliError(
      `--at needs a date and time with its offset, e.g. ${INSTANT_EXAMPLE} or 2026-12-31T23:00-05:00`,
      2,
    )
  }
  const problem = scheduleProblem(instant, Date.now())
  if (problem) throw new CliError(`--at: ${problem}; nothing was sent`, 2)
  return value
}

/** The new text and note, checked by the same rule the ledger applies, before anything is started or sent. */
function draft(options: Options): { text: string; note?: string } {
  const input = options.text ?? (options.file ? readFileSync(options.file, 'utf8') : readFileSync(0, 'utf8'))
  const text = validateDisclaimer(input)
  if (!text.ok) throw new CliError(`${text.reason}; nothing was sent`)
  const note = validateField(options.note ?? '', 'note')
  if (!note.ok) throw new CliError(`${note.reason}; nothing was sent`)
  return { text: text.text, note: note.value || undefined }
}

/** Says what happened to a write, then reads the target back and says what the ledger and KV now hold. */
async function report(client: AdminClient, label: string, target: string, result: PublishResult & { ok: true }) {
  if (result.status === 'scheduled') {
    console.log(`${label}: ${target}: ${scheduleLine(result.schedule)}`)
    console.log(`it goes live at ${result.schedule.effectiveAt} if v${result.schedule.base} is still live then`)
    return
  }
  const { version, status } = result
  const said = {
    live: `v${version.version} is live: KV holds it, every visitor sees it within the bound in docs/delivery.md`,
    pending: `v${version.version} is accepted and recorded; KV has not taken it yet and the ledger keeps retrying`,
    unchanged: `nothing changed: v${version.version} already has this text`,
  }[status]
  console.log(`${label}: ${target}: ${said}`)
  const back = await client.current(target)
  console.log(`read back from ${label}: ${back.current ? versionBlock(back.current) : '(no version)'}`)
}

async function run(
  command: string,
  rest: string[],
  options: Options,
  client: AdminClient,
  label: string,
  change?: { text: string; note?: string },
) {
  switch (command) {
    case 'get': {
      const target = targetArg(rest[0])
      const { current, unrecorded, pending, bundledDefault, scheduled } = await client.current(target)
      console.log(`${target} (${keyOf(target)}) in ${label}:`)
      if (unrecorded) console.log(unrecordedBlock(unrecorded, bundledDefault?.file))
      else if (current) console.log(versionBlock(current))
      else
        console.log(
          `no version yet: pages show ${bundledDefault ? `the bundled default (${bundledDefault.file})` : 'no note'}`,
        )
      if (pending)
        console.log(
          `KV does not hold it yet: ${pending.attempts} attempt(s), last error ${printable(pending.lastError ?? '')}`,
        )
      for (const schedule of scheduled) {
        console.log(`scheduled: ${scheduleLine(schedule)}`)
        console.log('  no second change can be scheduled until it has gone live or is cancelled')
      }
      return
    }
    case 'history': {
      const target = targetArg(rest[0])
      const versions = await client.history(target)
      console.log(`${target} in ${label}: ${versions.length} version(s), newest first`)
      for (const version of versions) console.log(versionLine(version))
      return
    }
    case 'at': {
      const [time, target = 'global'] = rest
      if (!time || parseInstant(time) === undefined) {
        throw new CliError(`at needs a date and time with its offset, e.g. ${INSTANT_EXAMPLE}`, 2)
      }
      const { at, scheduled, ...shown } = await client.at(targetArg(target), time)
      console.log(`${target} in ${label} at ${at}:`)
      console.log(scheduled === undefined ? shownBlock(shown) : `a time to come; now: ${shownBlock(shown)}`)
      if (scheduled !== undefined) {
        console.log(
          scheduled
            ? `and by then, if it goes through: ${scheduleLine(scheduled)}\n${printable(scheduled.text, { multiline: true })}`
            : 'and nothing is scheduled to change it by then',
        )
      }
      return
    }
    case 'audit': {
      const versions = await client.audit(options.limit ? numberArg(options.limit, '--limit') : 50)
      console.log(`${label}: the last ${versions.length} version(s) of every disclaimer, newest first`)
      for (const version of versions) console.log(`${version.target.padEnd(30)} ${versionLine(version)}`)
      return
    }
    case 'scheduled': {
      const schedules = await client.schedules()
      const pending = schedules.filter((schedule) => schedule.status === 'pending')
      console.log(`${label}: ${pending.length} change(s) set to go live, ${schedules.length - pending.length} ended`)
      for (const schedule of schedules) console.log(scheduleLine(schedule))
      return
    }
    case 'cancel': {
      const reason = validateField(options.reason ?? '', 'reason', { required: true })
      if (!reason.ok) throw new CliError(`${reason.reason}; pass --reason "..."`, 2)
      const { schedule } = await client.cancel(numberArg(rest[0], 'cancel <schedule>'), reason.value)
      console.log(`${label}: ${scheduleLine(schedule)}`)
      return
    }
    case 'export': {
      const pageAfter = (after: number) => client.exportPage(after)
      if (!options.out) return exportToStdout(pageAfter)
      const rows = await exportToFile(options.out, pageAfter)
      console.error(
        `${label}: wrote ${rows} row(s) and the end line to ${options.out}; check it with: npm run disclaimer -- verify ${options.out}`,
      )
      return
    }
    case 'notifications': {
      const events = await client.notifications(options.limit ? numberArg(options.limit, '--limit') : 50)
      console.log(`${label}: the last ${events.length} event(s), newest first, and who was told`)
      for (const event of events) console.log(eventBlock(event))
      return
    }
    case 'proposals': {
      const { proposals } = await client.proposals()
      console.log(`${label}: ${proposals.length} open proposal(s)`)
      for (const proposal of proposals) console.log(proposalLine(proposal))
      return
    }
    case 'diff': {
      const target = targetArg(rest[0])
      const { current } = await client.current(target)
      const other = options.version
        ? await client.version(target, numberArg(options.version, '--version'))
        : DEFAULT_DISCLAIMERS.get(keyOf(target))
      const otherLabel = options.version ? `v${options.version}` : 'bundled default'
      const otherText = other?.text ?? ''
      const currentLabel = `${label} (${current ? `v${current.version}` : 'no version'})`
      console.log(
        printable(createTwoFilesPatch(otherLabel, currentLabel, `${otherText}\n`, `${current?.text ?? ''}\n`), {
          multiline: true,
        }),
      )
      return
    }
    case 'set':
    case 'propose': {
      const target = targetArg(rest[0])
      const { text, note } = change ?? draft(options)
      const read = await client.current(target)
      const at = options.at === undefined ? undefined : timeArg(options.at)
      if (command === 'set') return report(client, label, target, await client.publish(target, read, text, note, at))
      const { proposal } = await client.propose(target, read, text, note, at)
      console.log(`${label}: ${proposalLine(proposal)}`)
      console.log(
        `another editor approves it with: npm run disclaimer -- approve ${proposal.id} ${options.local ? '--local' : `--env ${options.env}`}`,
      )
      return
    }
    case 'approve': {
      const result = await client.approve(numberArg(rest[0], 'approve <proposal>'), options.note)
      return report(
        client,
        label,
        result.status === 'scheduled' ? result.schedule.target : result.version.target,
        result,
      )
    }
    case 'reject': {
      const reason = validateField(options.reason ?? '', 'reason', { required: true })
      if (!reason.ok) throw new CliError(`${reason.reason}; pass --reason "..."`, 2)
      const { proposal } = await client.reject(numberArg(rest[0], 'reject <proposal>'), reason.value)
      console.log(`${label}: ${proposalLine(proposal)}`)
      return
    }
    case 'rollback': {
      const version = numberArg(rest[0], 'rollback <version>')
      const target = targetArg(rest[1])
      const read = await client.current(target)
      return report(client, label, target, await client.rollback(target, read, version, options.note))
    }
    case 'seed': {
      const { seeded } = await client.seed()
      console.log(
        `${label}: seeded ${seeded.length} bundled default(s)${seeded.length ? '' : ' (every one already has a version)'}`,
      )
      for (const result of seeded) {
        if (result.status !== 'scheduled') console.log(`  ${result.version.target}: ${versionLine(result.version)}`)
      }
      return
    }
    case 'import': {
      const { import: record } = await client.importRecord()
      if (!record) {
        console.log(
          `${label}: the pre-ledger history has not been imported yet; the cron does it once, within a minute`,
        )
        return
      }
      console.log(`${label}: imported ${record.imported} legacy version(s) at ${record.at} (${printable(record.by)})`)
      for (const problem of record.problems) console.log(`  problem: ${printable(problem)}`)
      return
    }
    default:
      if (OPERATIONS_COMMANDS.has(command)) return runOperation(command, options, client, label)
      if (REVIEW_COMMANDS.has(command)) return runReview(command, rest, reviewOptions(options), client, label)
      throw new CliError(`unknown command "${printable(command)}"\n\n${USAGE}`, 2)
  }
}

export async function runCommand(command: string | undefined, rest: string[], options: Options): Promise<void> {
  if (options.help || !command) {
    console.log(USAGE)
    return
  }
  if (Boolean(options.local) === (options.env !== undefined)) {
    throw new CliError('say where: --local, or --env <environment> (e.g. staging, production); nothing was sent', 2)
  }
  if (options.env !== undefined) {
    const { ENVIRONMENTS, isEnvironment } = await import('./environments.ts')
    if (!isEnvironment(options.env)) {
      throw new CliError(`--env must be one of ${ENVIRONMENTS.join(', ')}, not "${printable(options.env)}"`, 2)
    }
  }
  if (options.as !== undefined && !options.local)
    throw new CliError('--as picks a local editor; use it with --local', 2)
  const store = options.local ? (options['persist-to'] ?? LOCAL_STORE) : undefined
  // An environment still holding placeholders is refused before anything else: there is nowhere to send to.
  const remote = store ? undefined : await remoteTarget(options.env as string)
  if (store) await ensureLocalEditors(store)
  const token = readToken({ tokenFile: options['token-file'], as: options.as, store })
  // A text or note that breaks the rule, or an operation's arguments that cannot work, are refused here, before a
  // Worker is started or anything is sent.
  const change = command === 'set' || command === 'propose' ? draft(options) : undefined
  checkOperation(command, options)
  if (REVIEW_COMMANDS.has(command)) checkReview(command, rest, reviewOptions(options))
  const where = remote ?? (await localTarget(store as string))
  try {
    await run(command, rest, options, adminClient(where, token), where.label, change)
  } finally {
    await where.close()
  }
}
