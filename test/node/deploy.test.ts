import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { PROJECT_ROOT, placeholderProblems } from '../../scripts/lib/environments.ts'

const run = promisify(execFile)
const scratch = mkdtempSync(join(tmpdir(), 'deploy-config-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

async function deploy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['node', 'scripts/deploy.ts', ...args], { cwd: PROJECT_ROOT })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

/** The committed wrangler.toml with the given placeholders filled in, written beside the project's content. */
function configWith(replacements: Record<string, string>): string {
  let text = readFileSync(join(PROJECT_ROOT, 'wrangler.toml'), 'utf8')
  for (const [placeholder, value] of Object.entries(replacements)) {
    expect(text).toContain(placeholder)
    text = text.replaceAll(placeholder, value)
  }
  const path = join(scratch, `wrangler-${Object.keys(replacements).length}.toml`)
  writeFileSync(path, text.replace('main = "src/index.ts"', `main = "${join(PROJECT_ROOT, 'src/index.ts')}"`))
  return path
}

describe('npm run deploy:production', () => {
  it('refuses the committed config, names each placeholder and what to put there, and deploys nothing', async () => {
    const result = await deploy('production')
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('Refusing to deploy production: wrangler.toml still has placeholders.')
    expect(result.stderr).toContain(
      '[env.production] kv_namespaces DISCLAIMERS id is "REPLACE_WITH_PRODUCTION_KV_NAMESPACE_ID"; run `npx wrangler kv namespace create DISCLAIMERS --env production`',
    )
    expect(result.stderr).toContain(
      '[env.production] vars SITE_ORIGIN is "https://replace-with-production-hostname.invalid"',
    )
    expect(result.stderr).toContain('Nothing was built or deployed.')
    // It stopped before the checks, the tests and wrangler.
    expect(result.stdout).not.toContain('== ')
  })

  it('refuses a bad environment name with the usage', async () => {
    const result = await deploy('prod')
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('usage: node scripts/deploy.ts <staging|production>')
  })
})

describe('placeholderProblems', () => {
  const ACCESS = {
    'https://replace-with-your-team-domain.invalid': 'https://kratom-team.example.org',
    REPLACE_WITH_PRODUCTION_ACCESS_APPLICATION_AUD: '4714a2b5c3d8e9f0a1b2c3d4e5f60718',
    'disclaimers@replace-with-your-sending-domain.invalid': 'disclaimers@kratom.example.org',
    'operators@replace-with-your-domain.invalid': 'operators@kratom.example.org',
  }

  it('passes production once its namespace id, origin and Access settings are filled in, and only then', () => {
    const idOnly = configWith({ REPLACE_WITH_PRODUCTION_KV_NAMESPACE_ID: '0f2ac74b498b48028cb68387c421e279' })
    expect(placeholderProblems('production', idOnly)).toEqual([
      expect.stringContaining(
        '[env.production] vars SITE_ORIGIN is "https://replace-with-production-hostname.invalid"',
      ),
      expect.stringContaining(
        '[env.production] vars ACCESS_TEAM_DOMAIN is "https://replace-with-your-team-domain.invalid"',
      ),
      expect.stringContaining('[env.production] vars ACCESS_AUD is "REPLACE_WITH_PRODUCTION_ACCESS_APPLICATION_AUD"'),
      expect.stringContaining(
        '[env.production] vars EMAIL_FROM is "disclaimers@replace-with-your-sending-domain.invalid"',
      ),
      expect.stringContaining('[env.production] vars OPERATORS_EMAIL is "operators@replace-with-your-domain.invalid"'),
    ])
    const filled = configWith({
      REPLACE_WITH_PRODUCTION_KV_NAMESPACE_ID: '0f2ac74b498b48028cb68387c421e279',
      'https://replace-with-production-hostname.invalid': 'https://kratom.example.org',
      ...ACCESS,
    })
    expect(placeholderProblems('production', filled)).toEqual([])
    // Filling production leaves staging's own placeholders where they were.
    expect(placeholderProblems('staging', filled)).toHaveLength(3)
  })

  it('refuses an origin that is not https', () => {
    const http = configWith({
      REPLACE_WITH_PRODUCTION_KV_NAMESPACE_ID: '0f2ac74b498b48028cb68387c421e279',
      'https://replace-with-production-hostname.invalid': 'http://kratom.example.org',
      ...ACCESS,
    })
    expect(placeholderProblems('production', http)).toEqual([
      expect.stringContaining('put the https:// origin the site is served from there'),
    ])
  })

  it('refuses a SITE_TIME_ZONE the runtime does not know', () => {
    const filled = configWith({
      REPLACE_WITH_PRODUCTION_KV_NAMESPACE_ID: '0f2ac74b498b48028cb68387c421e279',
      'https://replace-with-production-hostname.invalid': 'https://kratom.example.org',
      ...ACCESS,
      'SITE_TIME_ZONE = "America/New_York" }': 'SITE_TIME_ZONE = "Eastern" }',
    })
    expect(placeholderProblems('production', filled)).toEqual([
      expect.stringContaining('vars SITE_TIME_ZONE is "Eastern"; put the publisher\'s IANA time zone there'),
    ])
  })

  it('refuses an environment that could tell nobody: no send_email binding named EMAIL', () => {
    const filled = configWith({
      REPLACE_WITH_PRODUCTION_KV_NAMESPACE_ID: '0f2ac74b498b48028cb68387c421e279',
      'https://replace-with-production-hostname.invalid': 'https://kratom.example.org',
      ...ACCESS,
      'send_email = [{ name = "EMAIL" }]': '',
    })
    expect(placeholderProblems('production', filled)).toEqual([
      expect.stringContaining('has no send_email binding EMAIL'),
    ])
  })
})
