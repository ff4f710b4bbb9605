// The operators' commands of the disclaimer CLI against a local store of their own (one local Worker for all of
// them, as `--local --persist-to` starts it), and the restore drill of docs/operations.md as an operator runs it: a
// copy made, fetched from local R2 with wrangler, and checked with `verify`.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  type AdminClient,
  adminClient,
  CliError,
  localTarget,
  readToken,
  type Where,
} from '../../scripts/lib/admin-client.ts'
import { type OperationOptions, runOperation } from '../../scripts/lib/operations-commands.ts'
import { PROJECT_ROOT, WRANGLER_BIN } from '../../scripts/lib/paths.ts'
import { runCli } from './cli-runner.ts'

const run = promisify(execFile)
let store: string
let where: Where
let client: AdminClient

async function command(file: string, args: string[]) {
  try {
    const { stdout, stderr } = await run(file, args, {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        DISCLAIMER_TOKEN: '',
      },
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

/** What a command prints, or the CliError it ends with. */
async function operation(name: string, options: OperationOptions = {}): Promise<{ printed: string; error?: CliError }> {
  const lines: string[] = []
  const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line))
  try {
    await runOperation(name, options, client, 'LOCAL')
    return { printed: lines.join('\n') }
  } catch (error) {
    if (!(error instanceof CliError)) throw error
    return { printed: lines.join('\n'), error }
  } finally {
    log.mockRestore()
  }
}

beforeAll(async () => {
  store = mkdtempSync(join(tmpdir(), 'operations-cli-'))
  where = await localTarget(store)
  client = adminClient(where, readToken({ store, as: 'alice' }))
})
afterAll(async () => {
  await where?.close()
  rmSync(store, { recursive: true, force: true })
})

describe('npm run disclaimer, for operators', () => {
  it('says every setting holds', async () => {
    expect(await operation('settings')).toEqual({ printed: 'LOCAL: every setting holds' })
  })

  it('does not record by hand before the cron’s first run, which alone imports the old history', async () => {
    const { error } = await operation('reconcile')
    expect(error?.message).toMatch(/^the cron has not run yet, and its first run imports the pre-ledger history/)
    expect(error?.message).toContain('[import_pending, HTTP 409]')
  })

  it('says the local runtime cannot restore to a moment, asked or told, and changes nothing', async () => {
    const at = new Date(Date.now() - 60_000).toISOString()
    for (const yes of [false, true]) {
      const { error } = await operation('recover', { at, reason: 'drill', yes })
      expect(error?.message).toMatch(/^point-in-time recovery is not available here/)
      expect(error?.message).toContain('[recovery_unsupported, HTTP 501]')
    }
    expect((await operation('backups')).printed).toBe('LOCAL: 0 copy(ies), each kept 90 days (the newest always)')
  })

  it('refuses arguments that cannot work before starting anything', async () => {
    const missing = await runCli(['recover', '--local', '--persist-to', store, '--reason', 'drill'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain(
      'recover needs --at <time> (e.g. 2026-11-28T09:30:00Z) or --bookmark <bookmark>, not both',
    )
    const unsure = await runCli(['recover', '--env', 'staging', '--bookmark', 'b', '--reason', 'r'])
    expect(unsure.code).toBe(1)
    expect(unsure.stderr).toContain('staging is not set up yet, so nothing was sent')
  })

  it('runs the restore drill: a copy made now, fetched from R2 with wrangler, verifies; a changed copy does not', async () => {
    await client.seed()
    const made = await operation('backup')
    const [, rows, key, head] =
      /copied (\d+) row\(s\), [\d.]+ KiB, to (ledger\/\S+\.jsonl); head ([0-9a-f]{64})/.exec(made.printed) ?? []
    expect(Number(rows)).toBeGreaterThan(0)
    const listed = await operation('backups')
    expect(listed.printed).toContain('LOCAL: 1 copy(ies), each kept 90 days (the newest always)')
    expect(listed.printed).toContain(key as string)

    const file = join(store, 'drill.jsonl')
    const fetched = await command(process.execPath, [
      WRANGLER_BIN,
      'r2',
      'object',
      'get',
      `kratom-ledger-backups-local/${key}`,
      '--local',
      '--persist-to',
      store,
      '--file',
      file,
    ])
    expect(fetched.code, fetched.stderr).toBe(0)
    const verified = await runCli(['verify', file, '--head', head as string])
    expect(verified.code, verified.stderr).toBe(0)
    expect(verified.stdout).toContain(`verified: ${rows} row(s) and the end line, the chain holds; head ${head}`)

    const changed = join(store, 'changed.jsonl')
    const text = readFileSync(file, 'utf8')
    writeFileSync(changed, text.replace('"key":"disclaimer"', '"key":"disclaimer "'))
    expect(readFileSync(changed, 'utf8')).not.toBe(text)
    const refused = await runCli(['verify', changed])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('NOT VERIFIED')
  })
})
