import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import {
  accessProblems,
  approvalRequired,
  consoleSignInProblem,
  emailFromProblem,
  isPlaceholder,
  operatorsEmailProblem,
  requireApprovalProblem,
  settingsProblems,
  siteOriginProblem,
  timeZoneProblem,
  usableSiteOrigin,
} from '../../src/core/settings.ts'

const AUD = 'c0501e0a0d1e2c3e4a5b6c7d8e9f00112233445566778899aabbccddeeff0011'

describe('siteOriginProblem', () => {
  it.each(['https://kratom.example.org', 'http://localhost:8787', 'http://127.0.0.1:9000'])('accepts %s', (origin) => {
    expect(siteOriginProblem(origin)).toBeUndefined()
  })

  it.each([
    [
      '',
      'SITE_ORIGIN is empty; set it to an address such as "https://kratom.example.org" (no path, no trailing slash)',
    ],
    [
      'https://replace-with-staging-hostname.invalid',
      'SITE_ORIGIN is "https://replace-with-staging-hostname.invalid", a placeholder; put the real address there, e.g. "https://kratom.example.org"',
    ],
    [
      'kratom.example.org',
      'SITE_ORIGIN is "kratom.example.org"; put https:// in front of it: "https://kratom.example.org"',
    ],
    [
      'https://kratom.example.org/',
      'SITE_ORIGIN is "https://kratom.example.org/", which ends with a slash; remove it: "https://kratom.example.org"',
    ],
    [
      'https://kratom.example.org/a?b',
      'SITE_ORIGIN is "https://kratom.example.org/a?b"; keep only the origin, with no path, query or trailing slash: "https://kratom.example.org"',
    ],
    [
      'http://kratom.example.org',
      'SITE_ORIGIN is "http://kratom.example.org"; use https:// (plain http is only for localhost): "https://kratom.example.org"',
    ],
    [
      'ftp://x',
      'SITE_ORIGIN is "ftp://x", not an https:// address; set it to one such as "https://kratom.example.org"',
    ],
  ])('refuses %j, naming the fix', (value, problem) => {
    expect(siteOriginProblem(value)).toBe(problem)
  })

  it('reads the origin a value plainly means, and none from what names no origin', () => {
    expect(usableSiteOrigin('https://Kratom.example.org/path/')).toBe('https://kratom.example.org')
    expect(usableSiteOrigin('kratom.example.org')).toBeUndefined()
    expect(usableSiteOrigin('https://user:pw@kratom.example.org')).toBeUndefined()
  })
})

describe('accessProblems', () => {
  it('accepts both set and well formed, and both empty unless Access is required', () => {
    expect(accessProblems('https://team.example.org', AUD)).toEqual([])
    expect(accessProblems('', '')).toEqual([])
    expect(accessProblems('', '', { required: true })).toEqual([
      expect.stringMatching(/^ACCESS_TEAM_DOMAIN and ACCESS_AUD are empty, so nobody can sign in to the console/),
    ])
  })

  it('names each half that is missing or malformed', () => {
    expect(accessProblems('team.example.org', AUD.toUpperCase())).toEqual([
      'ACCESS_TEAM_DOMAIN is "team.example.org"; put https:// in front of it: "https://team.example.org"',
      expect.stringMatching(/^ACCESS_AUD is "C0501E0A.*", not an audience tag \(64 hexadecimal digits\)/),
    ])
    expect(accessProblems('http://team.example.org', '')).toEqual([
      'ACCESS_TEAM_DOMAIN is "http://team.example.org"; use https:// (plain http is only for localhost): "https://team.example.org"',
      "ACCESS_AUD is empty while ACCESS_TEAM_DOMAIN is set; copy the Access application's Application Audience (AUD) Tag there",
    ])
  })
})

describe('the email settings', () => {
  it('takes one plain address as the sender', () => {
    expect(emailFromProblem('disclaimers@kratom.example.org')).toBeUndefined()
    expect(emailFromProblem('Disclaimers <disclaimers@kratom.example.org>')).toMatch(/, not an address; set it to one/)
    expect(emailFromProblem('')).toMatch(/^EMAIL_FROM is empty, so no message can be sent/)
  })

  it('takes operators as addresses separated by commas, naming every entry that is not one', () => {
    expect(operatorsEmailProblem('a@kratom.example.org, b@kratom.example.org')).toBeUndefined()
    expect(operatorsEmailProblem('a@kratom.example.org, pager, b@x.invalid')).toMatch(
      /^OPERATORS_EMAIL holds "pager", "b@x.invalid", not addresses; /,
    )
    expect(operatorsEmailProblem(' , ')).toMatch(/^OPERATORS_EMAIL is empty, so nobody would be told of trouble/)
  })
})

describe('SITE_TIME_ZONE and REQUIRE_APPROVAL', () => {
  it('takes an IANA zone the runtime knows', () => {
    expect(timeZoneProblem('Europe/Berlin')).toBeUndefined()
    expect(timeZoneProblem('EST5EDT-ish')).toMatch(/^SITE_TIME_ZONE is "EST5EDT-ish", not an IANA time zone/)
  })

  it('takes "true" or "false" only, and keeps the rule on for anything but "false"', () => {
    expect(requireApprovalProblem('true')).toBeUndefined()
    expect(requireApprovalProblem('false')).toBeUndefined()
    expect(requireApprovalProblem('TRUE')).toMatch(/^REQUIRE_APPROVAL is "TRUE"; set it to "true"/)
    expect([
      approvalRequired('false'),
      approvalRequired('true'),
      approvalRequired('no'),
      approvalRequired(undefined),
    ]).toEqual([false, true, true, true])
  })
})

describe('isPlaceholder', () => {
  it('knows the committed placeholders and hosts under .invalid, and nothing else', () => {
    expect(isPlaceholder('REPLACE_WITH_PRODUCTION_KV_NAMESPACE_ID')).toBe(true)
    expect(isPlaceholder('https://replace-with-your-team-domain.invalid')).toBe(true)
    expect(isPlaceholder('ops@example.invalid')).toBe(true)
    expect(isPlaceholder('https://invalidation.example.org')).toBe(false)
  })
})

describe('settingsProblems', () => {
  it('finds nothing wrong with the settings the tests run with', () => {
    expect(settingsProblems(env)).toEqual([])
    expect(consoleSignInProblem(env)).toBeUndefined()
  })

  it('lists every problem, settings first and then missing bindings, in a fixed order', () => {
    const problems = settingsProblems({
      ...env,
      SITE_ORIGIN: 'https://kratom.example.org/',
      EMAIL_FROM: 'nobody',
      EDITORS: '{}',
      EMAIL: undefined,
      BACKUPS: undefined,
      LOG_SIGNING_KEY: '',
      LOG_WITNESSES: '[1]',
    })
    expect(problems.map((problem) => problem.split(' ')[0])).toEqual([
      'SITE_ORIGIN',
      'EMAIL_FROM',
      'EDITORS',
      'LOG_SIGNING_KEY',
      'LOG_WITNESSES',
      'there',
      'there',
    ])
    expect(problems[3]).toBe(
      'LOG_SIGNING_KEY is not set, so no checkpoint of the log is signed; make one with `npm run disclaimer -- log-key <site host>` and put it with `wrangler secret put LOG_SIGNING_KEY`',
    )
    expect(problems[4]).toBe('LOG_WITNESSES entry 1 is not an object with "name", "key" and "url"')
    expect(problems[2]).toBe(
      'EDITORS names no editor (nobody can sign in until it is fixed: wrangler secret put EDITORS)',
    )
  })
})
