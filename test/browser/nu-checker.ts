// The Nu Html Checker (vnu.jar) over a set of HTML documents in one JVM, with a known-bad canary in the same run
// to prove the checker read the files and reports.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { PROJECT_ROOT } from '../../scripts/lib/serve-bundle.ts'

const VNU_JAR = join(PROJECT_ROOT, 'node_modules/vnu-jar/build/dist/vnu.jar')
const JAVA = process.env.JAVA ?? '/usr/bin/java'
const CANARY = 'canary-invalid.html'

interface VnuMessage {
  type: 'error' | 'info' | 'non-document-error'
  subType?: string
  url?: string
  message: string
  lastLine?: number
  extract?: string
}

export interface NuReport {
  /** Every error and warning, by document name; a document with none has an empty list. */
  problems: Record<string, string[]>
  /** Errors reported on the canary: more than zero when vnu ran and read the files. */
  canaryErrors: number
  /** Info messages that are not warnings, which do not count as problems. */
  infoNotes: number
}

async function runVnu(files: string[]): Promise<VnuMessage[]> {
  // A short run: the JVM's quick compiler alone (C1) checks these few documents in about 60 % of the CPU time.
  const args = ['-Xss2m', '-XX:TieredStopAtLevel=1', '-jar', VNU_JAR, '--format', 'json', '--stdout', ...files]
  let stdout: string
  try {
    stdout = (await promisify(execFile)(JAVA, args, { maxBuffer: 16 * 1024 * 1024 })).stdout
  } catch (error) {
    // vnu exits 1 when it reports an error; its report is still on stdout.
    stdout = (error as { stdout?: string }).stdout ?? ''
    if (!stdout) throw error
  }
  return (JSON.parse(stdout) as { messages: VnuMessage[] }).messages
}

/** Checks each document (name → HTML) in one vnu run. */
export async function checkHtml(documents: Record<string, string>): Promise<NuReport> {
  const dir = mkdtempSync(join(tmpdir(), 'vnu-'))
  try {
    const names: Record<string, string> = {}
    for (const [index, [name, html]] of Object.entries(documents).entries()) {
      const file = join(dir, `${index}.html`)
      writeFileSync(file, html)
      names[file] = name
    }
    writeFileSync(join(dir, CANARY), '<!DOCTYPE html><html lang="en"><title>x</title><p><div></p>')
    const messages = await runVnu([...Object.keys(names), join(dir, CANARY)])
    const problems: Record<string, string[]> = Object.fromEntries(Object.keys(documents).map((name) => [name, []]))
    let canaryErrors = 0
    let infoNotes = 0
    for (const message of messages) {
      const file = message.url ? new URL(message.url).pathname : ''
      if (file.endsWith(CANARY)) {
        canaryErrors += message.type === 'error' ? 1 : 0
      } else if (message.type !== 'info' || message.subType === 'warning') {
        const name = names[file] ?? `unknown file ${file}`
        problems[name] = [
          ...(problems[name] ?? []),
          `${message.subType ?? message.type} line ${message.lastLine}: ${message.message} «${message.extract}»`,
        ]
      } else {
        infoNotes++
      }
    }
    return { problems, canaryErrors, infoNotes }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
