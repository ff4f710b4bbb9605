// What a local store remembers of the site npm start runs on it: the variables, and where it runs while it runs.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  localSiteFile,
  parseVars,
  readLocalSite,
  rememberLocalSite,
  runningSite,
} from '../../scripts/lib/local-site.ts'

let store: string
beforeEach(() => {
  store = mkdtempSync(join(tmpdir(), 'local-site-'))
})
afterEach(() => rmSync(store, { recursive: true, force: true }))

describe('local-site', () => {
  it('remembers nothing for a store npm start never ran on, then what it ran with', () => {
    expect(readLocalSite(store)).toEqual({ vars: {} })
    rememberLocalSite(store, { vars: { REQUIRE_APPROVAL: 'true' }, running: { port: 8791, pid: process.pid } })
    expect(readLocalSite(store)).toEqual({
      vars: { REQUIRE_APPROVAL: 'true' },
      running: { port: 8791, pid: process.pid },
    })
  })

  it('reads --var pairs, a value holding colons included, and refuses a pair without a name', () => {
    expect(parseVars(['REQUIRE_APPROVAL:true', 'SITE_ORIGIN:http://localhost:8791'])).toEqual({
      REQUIRE_APPROVAL: 'true',
      SITE_ORIGIN: 'http://localhost:8791',
    })
    expect(() => parseVars(['true'])).toThrow('--var true: expected KEY:VALUE, e.g. REQUIRE_APPROVAL:true')
    expect(() => parseVars(['require approval:true'])).toThrow('expected KEY:VALUE')
  })

  it('trusts a running site only while its process lives', async () => {
    expect(runningSite({ vars: {} })).toBeUndefined()
    expect(runningSite({ vars: {}, running: { port: 1234, pid: process.pid } })).toEqual({
      port: 1234,
      pid: process.pid,
    })
    const child = spawn(process.execPath, ['-e', ''])
    await once(child, 'exit')
    expect(runningSite({ vars: {}, running: { port: 1234, pid: child.pid as number } })).toBeUndefined()
  })

  it('refuses a record it did not write, saying what to do', () => {
    for (const text of ['not json', '{"vars":{"lower":"x"}}', '{"vars":{},"running":{"port":0,"pid":1}}', '[]']) {
      writeFileSync(localSiteFile(store), text)
      expect(() => readLocalSite(store), text).toThrow(
        `${localSiteFile(store)} is not what npm start writes; delete it and run npm start again`,
      )
    }
  })
})
