// Proves every page's HTML, the 404 included, passes the Nu Html Checker (vnu.jar) with zero errors and zero
// warnings. One JVM checks all pages at once; a known-bad canary file in the same run proves the checker reports.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../scripts/lib/serve-bundle.ts'
import { NOT_FOUND_PATH, pageName, type Site, startSite } from './harness.ts'

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

let site: Site
let dir: string

beforeAll(async () => {
  site = await startSite()
  dir = mkdtempSync(join(tmpdir(), 'vnu-pages-'))
})
afterAll(async () => {
  await site?.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function runVnu(files: string[]): Promise<VnuMessage[]> {
  const args = ['-Xss2m', '-jar', VNU_JAR, '--format', 'json', '--stdout', ...files]
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

describe('Nu Html Checker', () => {
  it('reports no error and no warning on any page', async () => {
    const files: Record<string, string> = {}
    for (const path of [...site.pages, NOT_FOUND_PATH]) {
      const response = await fetch(site.at(path))
      expect(response.headers.get('content-type'), path).toBe('text/html; charset=UTF-8')
      const file = join(dir, `${pageName(path)}.html`)
      writeFileSync(file, await response.text())
      files[file] = path
    }
    writeFileSync(join(dir, CANARY), '<!DOCTYPE html><html lang="en"><title>x</title><p><div></p>')

    const messages = await runVnu([...Object.keys(files), join(dir, CANARY)])
    const byPage: Record<string, string[]> = Object.fromEntries(Object.values(files).map((path) => [path, []]))
    let canaryErrors = 0
    for (const message of messages) {
      const file = message.url ? new URL(message.url).pathname : ''
      if (file.endsWith(CANARY)) {
        canaryErrors += message.type === 'error' ? 1 : 0
        continue
      }
      const problem = message.type !== 'info' || message.subType === 'warning'
      if (problem) {
        const path = files[file] ?? `unknown file ${file}`
        byPage[path] = [
          ...(byPage[path] ?? []),
          `${message.subType ?? message.type} line ${message.lastLine}: ${message.message} «${message.extract}»`,
        ]
      }
    }
    expect(canaryErrors, 'the canary page is reported: vnu ran and read the files').toBeGreaterThan(0)
    console.log(
      `vnu: ${Object.entries(byPage)
        .map(([path, problems]) => `${path} ${problems.length}`)
        .join(', ')}; ${messages.filter((m) => m.type === 'info' && m.subType !== 'warning').length} info notes`,
    )
    expect(byPage).toEqual(Object.fromEntries(Object.values(files).map((path) => [path, []])))
  })
})
