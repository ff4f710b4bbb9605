// The local store's secrets file: npm start and the CLI's own local server read the same LEDGER_SECRET from it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { devVarsOf, ensureLedgerSecret, LOCAL_STORE, writeDevVars } from '../../scripts/lib/local-editors.ts'
import { PROJECT_ROOT } from '../../scripts/lib/paths.ts'
import { ledgerSecretProblem } from '../../src/core/kv-contract.ts'

const dir = mkdtempSync(join(tmpdir(), 'local-editors-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('writeDevVars', () => {
  it('writes a LEDGER_SECRET once, keeps it and every other line on the next run, and replaces only EDITORS', () => {
    const path = join(dir, 'first.dev.vars')
    writeFileSync(path, "ALERT_WEBHOOK_URL='https://hooks.example.org/x'\n")

    writeDevVars('{"alice":"sha256:aa"}', path)
    const first = readFileSync(path, 'utf8')
    const secret = /^LEDGER_SECRET='([0-9a-f]+)'$/m.exec(first)?.[1] as string
    writeDevVars('{"alice":"sha256:bb"}', path)
    const second = readFileSync(path, 'utf8')

    expect(ledgerSecretProblem(secret)).toBeUndefined()
    expect(secret).toHaveLength(64)
    expect(second).toContain(`LEDGER_SECRET='${secret}'`)
    expect(second).toContain("ALERT_WEBHOOK_URL='https://hooks.example.org/x'")
    expect(second).toContain(`EDITORS='{"alice":"sha256:bb"}'`)
    expect(second).not.toContain('sha256:aa')
    expect(second.match(/^SESSION_SECRET=/gm)).toHaveLength(1)
    expect(ensureLedgerSecret(path)).toBe(secret)
  })

  it('refuses a LEDGER_SECRET that cannot be used, saying what it must be and how to fix it, changing nothing', () => {
    const path = join(dir, 'broken.dev.vars')
    writeFileSync(path, 'LEDGER_SECRET="not-hex"\n')

    expect(() => writeDevVars('{}', path)).toThrow(
      `${path}: LEDGER_SECRET must be at least 32 random bytes written as hex (64 or more hex digits, no spaces); make one with \`npm run disclaimer -- secret\``,
    )
    expect(readFileSync(path, 'utf8')).toBe('LEDGER_SECRET="not-hex"\n')
  })
})

describe('devVarsOf', () => {
  it("is the project's .dev.vars for the default store, and the store's own for another", () => {
    expect(devVarsOf(LOCAL_STORE)).toBe(join(PROJECT_ROOT, '.dev.vars'))
    expect(devVarsOf(dir)).toBe(join(dir, '.dev.vars'))
  })
})
