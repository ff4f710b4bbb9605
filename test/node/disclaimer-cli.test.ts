import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../scripts/lib/serve-bundle.ts'

const run = promisify(execFile)
let persistTo: string

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['node', 'scripts/disclaimer.ts', ...args, '--persist-to', persistTo], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

beforeAll(() => {
  persistTo = mkdtempSync(join(tmpdir(), 'disclaimer-cli-'))
})
afterAll(() => rmSync(persistTo, { recursive: true, force: true }))

describe('npm run disclaimer', () => {
  it('writes nothing without a target', async () => {
    const result = await cli('set', '--text', 'No target given.')
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('say where: --local, or --env staging|production')
    expect((await cli('get', '--local')).stdout).toContain('(not set: the site shows the bundled default)')
  })

  it('seeds the defaults, sets a text the page then shows, and rolls back to the old text', async () => {
    const seeded = await cli('seed', '--local')
    expect(seeded.code).toBe(0)
    expect(seeded.stdout).toContain('wrote disclaimer to the LOCAL store')
    const original = readFileSync(join(PROJECT_ROOT, 'content/disclaimers/global.txt'), 'utf8').trim()
    const before = /version ([0-9a-f]{16})/.exec((await cli('get', '--local')).stdout)?.[1]
    expect(before).toMatch(/^[0-9a-f]{16}$/)

    const set = await cli('set', '--local', '--text', 'Set from the CLI.', '--note', 'test edit')
    expect(set.code).toBe(0)
    expect(set.stdout).toMatch(/read back version [0-9a-f]{16}:\nSet from the CLI\./)
    expect((await cli('get', '--local')).stdout).toContain('Set from the CLI.')

    const history = await cli('history', '--local')
    expect(history.stdout).toContain('2 earlier write(s)')
    expect(history.stdout).toContain('"test edit"')

    const rollback = await cli('rollback', before as string, '--local')
    expect(rollback.code).toBe(0)
    const after = await cli('get', '--local')
    expect(after.stdout).toContain(`version ${before}:\n${original}\n`)
  })

  it('refuses an invalid text and changes nothing', async () => {
    const before = (await cli('get', '--local')).stdout
    const result = await cli('set', '--local', '--text', 'x'.repeat(2001))
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('the limit is 2000, so shorten it [invalid_text]')
    expect((await cli('get', '--local')).stdout).toBe(before)
    expect((await cli('seed', '--local')).stdout).toContain('already set')
  })
})
