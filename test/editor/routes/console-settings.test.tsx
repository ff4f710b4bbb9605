// The console and the site's settings (core/settings.ts): a console nobody can sign in to says why, and a signed-in
// editor sees every problem with the settings, while pages go on being served.
import { beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest'
import { TEST_EDITORS } from '../../fixtures/editors.ts'
import { request, textOf } from '../../helpers.ts'

const TEAM = 'https://kratom-team.access.test'
const AUD = 'c0501e0a0d1e2c3e4a5b6c7d8e9f00112233445566778899aabbccddeeff0011'

let error: MockInstance<typeof console.error>

beforeEach(() => {
  error = vi.spyOn(console, 'error').mockImplementation(() => {})
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})

async function signedIn(): Promise<string> {
  const res = await request('/console/sign-in', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: 'https://kratom.test',
      'Sec-Fetch-Site': 'same-origin',
    },
    body: new URLSearchParams({ token: TEST_EDITORS.alice.token }).toString(),
  })
  expect(res.status).toBe(303)
  return (res.headers.get('Set-Cookie') ?? '').split(';')[0] as string
}

describe('a console nobody can sign in to', () => {
  it.each([
    [
      'ACCESS_AUD is not an audience tag',
      { ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: 'console' },
      'ACCESS_AUD is "console", not an audience tag (64 hexadecimal digits)',
    ],
    [
      'ACCESS_AUD is empty',
      { ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: '' },
      'ACCESS_AUD is empty while ACCESS_TEAM_DOMAIN is set',
    ],
    [
      'ACCESS_TEAM_DOMAIN is empty',
      { ACCESS_TEAM_DOMAIN: '', ACCESS_AUD: AUD },
      'ACCESS_TEAM_DOMAIN is empty while ACCESS_AUD is set',
    ],
    [
      'ACCESS_TEAM_DOMAIN has no https://',
      { ACCESS_TEAM_DOMAIN: 'kratom-team.access.test', ACCESS_AUD: AUD },
      'ACCESS_TEAM_DOMAIN is "kratom-team.access.test"; put https:// in front of it: "https://kratom-team.access.test"',
    ],
    [
      'ACCESS_TEAM_DOMAIN ends with a slash',
      { ACCESS_TEAM_DOMAIN: `${TEAM}/`, ACCESS_AUD: AUD },
      `ACCESS_TEAM_DOMAIN is "${TEAM}/", which ends with a slash; remove it: "${TEAM}"`,
    ],
    [
      'there is neither Access nor a session secret',
      { ACCESS_TEAM_DOMAIN: '', ACCESS_AUD: '', SESSION_SECRET: '' },
      'ACCESS_TEAM_DOMAIN and ACCESS_AUD are empty and there is no SESSION_SECRET of at least 32 characters',
    ],
  ])('says what to fix, with 503, when %s; pages are served', async (_, bindings, problem) => {
    for (const path of ['/console', '/console/sign-in', '/console/proposals']) {
      const res = await request(path, { headers: { 'Cf-Access-Jwt-Assertion': 'a.b.c' } }, bindings)
      expect(res.status, path).toBe(503)
      expect(res.headers.get('Cache-Control')).toBe('no-store')
      const text = textOf(await res.text())
      expect(text).toContain('The console is not set up')
      expect(text).toContain(`The console cannot sign anyone in: ${problem}`)
    }
    expect(error).toHaveBeenCalledWith('configuration problem', { problem: expect.stringContaining(problem) })
    const page = await request('/dosage-and-safety', {}, bindings)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('data-disclaimer="disclaimer"')
  })
})

describe('the settings an editor is shown', () => {
  it.each<[string, Record<string, unknown>, string]>([
    [
      'SITE_ORIGIN',
      { SITE_ORIGIN: 'https://console.example.org/' },
      'SITE_ORIGIN is "https://console.example.org/", which ends with a slash; remove it: "https://console.example.org"',
    ],
    [
      'EMAIL_FROM',
      { EMAIL_FROM: 'not-an-address' },
      'EMAIL_FROM is "not-an-address", not an address; set it to one address at your onboarded sending domain',
    ],
    [
      'OPERATORS_EMAIL',
      { OPERATORS_EMAIL: 'operators@example.org, the on-call phone' },
      'OPERATORS_EMAIL holds "the on-call phone", not an address',
    ],
    [
      'SITE_TIME_ZONE',
      { SITE_TIME_ZONE: 'Eastern' },
      'SITE_TIME_ZONE is "Eastern", not an IANA time zone; put the publisher\'s zone there, e.g. "America/New_York" (times are shown in UTC until then)',
    ],
    [
      'REQUIRE_APPROVAL',
      { REQUIRE_APPROVAL: 'yes' },
      'REQUIRE_APPROVAL is "yes"; set it to "true" (every change needs a second editor) or "false" (until then, every change needs one)',
    ],
    ['the EMAIL binding', { EMAIL: undefined }, 'there is no EMAIL binding, so no message can be sent'],
    ['the BACKUPS binding', { BACKUPS: undefined }, 'there is no BACKUPS R2 binding, so no daily copy of the record'],
    ['a rate limiter', { AUTH_FAILURES: undefined }, 'there is no AUTH_FAILURES rate limiter'],
    [
      'the alert webhook',
      { ALERT_WEBHOOK_URL: 'https://hooks.example.org/disclaimers' },
      'ALERT_WEBHOOK_URL is set but ALERT_WEBHOOK_SECRET is not, so nothing is sent to it',
    ],
  ])(
    'names what is wrong with %s above every page, and logs it once; pages are served',
    async (_, bindings, problem) => {
      const cookie = await signedIn()
      for (const path of ['/console', '/console/proposals', '/console/notifications']) {
        const res = await request(path, { headers: { Cookie: cookie } }, bindings as Partial<Env>)
        expect(res.status, path).toBe(200)
        const text = textOf(await res.text())
        expect(text).toContain("The site's settings need an operator")
        expect(text).toContain(problem)
      }
      expect(
        error.mock.calls.filter(([, logged]) => String((logged as { problem?: string })?.problem).startsWith(problem)),
      ).toHaveLength(1)
      const page = await request('/', {}, bindings as Partial<Env>)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('data-disclaimer="disclaimer"')
    },
  )

  it('shows nothing of the kind while every setting holds, nor to anyone not signed in', async () => {
    const cookie = await signedIn()
    const res = await request('/console', { headers: { Cookie: cookie } })
    expect(res.status).toBe(200)
    expect(textOf(await res.text())).not.toContain('need an operator')
    const signIn = await request('/console/sign-in', {}, { EMAIL_FROM: 'not-an-address' })
    expect(signIn.status).toBe(200)
    expect(textOf(await signIn.text())).not.toContain('EMAIL_FROM')
  })
})
