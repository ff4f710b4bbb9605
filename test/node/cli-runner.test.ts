// The real entry, spawned, beside the in-process runner the CLI's tests use: the same exit codes and output, and the
// runner leaves the process as it found it.
import { describe, expect, it } from 'vitest'
import { runCli, spawnCli } from './cli-runner.ts'

// Exit 0, a failed parse (1), usage errors (2) from the commands' module and from the entry's own verify.
const COMMANDS = [
  ['--help'],
  ['get', '--local', '--token', 'secret'],
  ['set', '--text', 'No target given.'],
  ['verify', '/nonexistent/record.jsonl'],
]

describe('node scripts/disclaimer.ts', () => {
  it('exits 0, 1 and 2, with stderr’s "disclaimer: " line, as the runner says it does', async () => {
    const spawned = await Promise.all(COMMANDS.map((args) => spawnCli(args)))
    expect(spawned.map((result) => result.code)).toEqual([0, 1, 2, 2])
    expect(spawned[0]?.stdout).toMatch(/^usage: npm run disclaimer -- <command>/)
    expect(spawned[0]?.stderr).toBe('')
    expect(spawned.slice(1).map((result) => result.stderr)).toEqual([
      expect.stringMatching(/^disclaimer: Unknown option '--token'/),
      'disclaimer: say where: --local, or --env <environment> (e.g. staging, production); nothing was sent\n',
      'disclaimer: cannot read /nonexistent/record.jsonl\n',
    ])
    for (const [index, args] of COMMANDS.entries()) expect(await runCli(args)).toEqual(spawned[index])
  })
})

describe('runCli', () => {
  it('puts back the environment, the console, the streams and the exit code', async () => {
    const env = { ...process.env }
    const exitCode = process.exitCode
    const { log, error } = console
    const writes = [process.stdout.write, process.stderr.write]
    const results = await Promise.all([
      runCli(['secret'], { DISCLAIMER_TOKEN: 'a-token', CLI_RUNNER_PROBE: 'set for one run' }),
      runCli(['verify', '/nonexistent/record.jsonl']),
    ])
    expect(results.map((result) => result.code)).toEqual([0, 2])
    expect(results[0]?.stdout.split('\n')[1]).toMatch(/^[0-9a-f]{64}$/)
    expect(results[0]?.stderr).toBe('')
    expect(results[1]?.stdout).toBe('')
    expect(process.env).toEqual(env)
    expect(process.exitCode).toBe(exitCode)
    expect([console.log, console.error]).toEqual([log, error])
    expect([process.stdout.write, process.stderr.write]).toEqual(writes)
  })
})
