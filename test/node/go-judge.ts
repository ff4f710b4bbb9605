// The outside judge, test/interop/judge.go, built with Debian's Go and golang.org/x/mod
// (GO111MODULE=off, GOPATH=/usr/share/gocode): Go's sumdb/note and sumdb/tlog judging what our code writes and serves.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { PROJECT_ROOT } from '../../scripts/lib/paths.ts'

const GOPATH = '/usr/share/gocode'
const INSTALL = 'apt-get update && apt-get install -y golang-go golang-golang-x-mod-dev'
let built: string | undefined

/** The judge, built once; a machine without Go fails every test here with the line that installs it. */
export function judgeProgram(): string {
  if (built) return built
  const go = spawnSync('go', ['version'], { encoding: 'utf8' })
  if (go.error || go.status !== 0 || !existsSync(join(GOPATH, 'src/golang.org/x/mod/sumdb/note/note.go'))) {
    throw new Error(`Go and golang.org/x/mod are needed as the outside judge of the log's formats: run ${INSTALL}`)
  }
  // Kept in node_modules/.cache under the hash of its source and the Go that built it, so every test process and run
  // after the first takes it as it is; each build goes to a scratch folder and is renamed into place whole.
  const source = readFileSync(join(PROJECT_ROOT, 'test/interop/judge.go'))
  const version = createHash('sha256').update(go.stdout).update(source).digest('hex').slice(0, 16)
  const judge = join(PROJECT_ROOT, 'node_modules/.cache/go-judge', `judge-${version}`)
  if (!existsSync(judge)) {
    mkdirSync(dirname(judge), { recursive: true })
    const scratch = mkdtempSync(join(dirname(judge), 'build-'))
    const started = performance.now()
    try {
      execFileSync('go', ['build', '-o', join(scratch, 'judge'), 'judge.go'], {
        cwd: join(PROJECT_ROOT, 'test/interop'),
        env: { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      renameSync(join(scratch, 'judge'), judge)
    } finally {
      rmSync(scratch, { recursive: true, force: true })
    }
    console.log(`${go.stdout.trim()}; go build of the judge: ${(performance.now() - started).toFixed(0)} ms`)
  }
  built = judge
  return built
}

export function runJudge(mode: 'vectors' | 'check', input = ''): unknown {
  const started = performance.now()
  const output = execFileSync(judgeProgram(), [mode], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  console.log(`judge ${mode}: ${(performance.now() - started).toFixed(0)} ms`)
  return JSON.parse(output)
}

export type Verdict = { ok: boolean; error?: string; text?: string; sigs?: string[] }

export interface SiteVerdict {
  origin: string
  size: number
  sigs: string[]
  entry: string
  inclusion: Verdict
  consistency: Verdict
  cosignature: Verdict
}

/** Go's verdict on a log served at `base` (`http://…/log/`), read over HTTP while this process serves it. */
export async function judgeSite(request: {
  base: string
  verifierKey: string
  index: number
  oldCheckpoint?: string
  witnessKey?: string
}): Promise<{ code: number; verdict?: SiteVerdict; stderr: string }> {
  const child = spawn(judgeProgram(), ['site'], { stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  child.stdin.end(JSON.stringify(request))
  const code = await new Promise<number>((resolve) => child.once('close', (status) => resolve(status ?? -1)))
  return code === 0 ? { code, verdict: JSON.parse(stdout), stderr } : { code, stderr }
}
