// The MDN HTTP Observatory's scoring rules (algorithm version 4), re-stated as code because its npm package
// cannot be installed here: ten tests, each with one outcome and a score modifier; the score starts at 100,
// and bonuses count only when the score from penalties alone is 90 or more.

export type TestName =
  | 'content-security-policy'
  | 'cookies'
  | 'cross-origin-resource-sharing'
  | 'redirection'
  | 'referrer-policy'
  | 'strict-transport-security'
  | 'subresource-integrity'
  | 'x-content-type-options'
  | 'x-frame-options'
  | 'cross-origin-resource-policy'

/** Every outcome this module can give, with the Observatory's modifier for it. */
export const MODIFIERS = {
  'csp-implemented-with-no-unsafe-default-src-none': 10,
  'csp-implemented-with-no-unsafe': 5,
  'csp-implemented-with-unsafe-inline-in-style-src-only': 0,
  'csp-implemented-with-insecure-scheme-in-passive-content-only': -10,
  'csp-implemented-with-unsafe-eval': -10,
  'csp-implemented-with-unsafe-inline': -20,
  'csp-implemented-with-insecure-scheme': -20,
  'csp-header-invalid': -25,
  'csp-not-implemented': -25,
  'cookies-secure-with-httponly-sessions-and-samesite': 5,
  'cookies-secure-with-httponly-sessions': 0,
  'cookies-not-found': 0,
  'cookies-without-secure-flag-but-protected-by-hsts': -5,
  'cookies-session-without-secure-flag-but-protected-by-hsts': -10,
  'cookies-without-secure-flag': -20,
  'cookies-samesite-flag-invalid': -20,
  'cookies-anticsrf-without-samesite-flag': -20,
  'cookies-session-without-httponly-flag': -30,
  'cookies-session-without-secure-flag': -40,
  'cross-origin-resource-sharing-not-implemented': 0,
  'cross-origin-resource-sharing-implemented-with-public-access': 0,
  'cross-origin-resource-sharing-implemented-with-restricted-access': 0,
  'cross-origin-resource-sharing-implemented-with-universal-access': -50,
  'redirection-to-https': 0,
  'redirection-not-needed-no-http': 0,
  'redirection-off-host-from-http': -5,
  'redirection-not-to-https-on-initial-redirection': -10,
  'redirection-not-to-https': -20,
  'redirection-missing': -20,
  'referrer-policy-private': 5,
  'referrer-policy-not-implemented': 0,
  'referrer-policy-unsafe': -5,
  'referrer-policy-header-invalid': -5,
  'hsts-implemented-max-age-at-least-six-months': 0,
  'hsts-implemented-max-age-less-than-six-months': -10,
  'hsts-not-implemented': -20,
  'hsts-header-invalid': -20,
  'hsts-not-implemented-no-https': -20,
  'sri-implemented-and-all-scripts-loaded-securely': 5,
  'sri-implemented-and-external-scripts-loaded-securely': 5,
  'sri-not-implemented-response-not-html': 0,
  'sri-not-implemented-but-no-scripts-loaded': 0,
  'sri-not-implemented-but-all-scripts-loaded-from-secure-origin': 0,
  'sri-not-implemented-but-external-scripts-loaded-securely': -5,
  'sri-implemented-but-external-scripts-not-loaded-securely': -20,
  'sri-not-implemented-and-external-scripts-not-loaded-securely': -50,
  'x-content-type-options-nosniff': 0,
  'x-content-type-options-not-implemented': -5,
  'x-content-type-options-header-invalid': -5,
  'x-frame-options-implemented-via-csp': 5,
  'x-frame-options-sameorigin-or-deny': 0,
  'x-frame-options-allow-from-origin': 0,
  'x-frame-options-not-implemented': -20,
  'x-frame-options-header-invalid': -20,
  'corp-implemented-with-same-origin': 10,
  'corp-implemented-with-same-site': 10,
  'corp-implemented-with-cross-origin': 0,
  'corp-not-implemented': 0,
  'corp-header-invalid': -5,
} as const

export type Outcome = keyof typeof MODIFIERS

/** What the scanner saw: the page fetched from its origin, a fetch with a foreign Origin, and the http:// chain. */
export interface Observation {
  /** The page's final URL; its protocol decides whether HSTS can apply. */
  url: URL
  headers: Headers
  body: string
  /** Response headers to the same request sent with a foreign `Origin` (the CORS test). */
  corsHeaders: Headers
  /** Each URL visited from http://host/ on, with its status; the last one is where it ended. */
  httpChain: { url: URL; status: number }[]
}

const DANGEROUSLY_BROAD = new Set([
  'ftp:',
  'http:',
  'https:',
  '*',
  'http://*',
  'http://*.*',
  'https://*',
  'https://*.*',
])
const UNSAFE_INLINE = new Set(["'unsafe-inline'", 'data:'])
const isBroadOrInline = (source: string) => DANGEROUSLY_BROAD.has(source) || UNSAFE_INLINE.has(source)
const isNonceOrHash = (source: string) => /^'(sha256|sha384|sha512|nonce)-/.test(source)

/** `<meta http-equiv=NAME content=...>` values in the document. */
function httpEquiv(body: string, name: string): string[] {
  const values: string[] = []
  for (const [tag] of body.matchAll(/<meta\b[^>]*>/gi)) {
    const equiv = /\bhttp-equiv\s*=\s*["']?([^"'\s>]+)/i.exec(tag)?.[1]
    const content = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag)
    if (equiv?.toLowerCase() === name && content) values.push(content[1] ?? content[2] ?? '')
  }
  return values
}

/** Parses policies into directive → sources; repeated directives in one policy make the header invalid. */
export function parseCsp(policies: string[]): Map<string, Set<string>> {
  const csp = new Map<string, Set<string>>()
  for (const policy of policies.flatMap((value) => value.split(','))) {
    const seen = new Set<string>()
    for (const directive of policy.split(';')) {
      const [name, ...sources] = directive.trim().split(/\s+/).filter(Boolean)
      if (!name) continue
      const key = name.toLowerCase()
      if (seen.has(key)) throw new Error(`directive ${key} repeated`)
      seen.add(key)
      const values = sources.map((source) => (isNonceOrHash(source) ? source : source.toLowerCase()))
      // Several policies all apply; the Observatory keeps the strictest reading, here the later one.
      csp.set(key, new Set(values.length ? values : ["'none'"]))
    }
  }
  return csp
}

export function contentSecurityPolicy(observation: Observation): Outcome {
  const header = observation.headers.get('content-security-policy')
  const policies = [...(header ? [header] : []), ...httpEquiv(observation.body, 'content-security-policy')]
  if (policies.length === 0) return 'csp-not-implemented'
  let csp: Map<string, Set<string>>
  try {
    csp = parseCsp(policies)
  } catch {
    return 'csp-header-invalid'
  }
  if (csp.size === 0) return 'csp-not-implemented'
  const https = observation.url.protocol === 'https:'
  const fallback = csp.get('default-src')
  const objectSrc = new Set(csp.get('object-src') ?? fallback ?? ['*'])
  const scriptSrc = new Set(csp.get('script-src') ?? fallback ?? ['*'])
  const styleSrc = new Set(csp.get('style-src') ?? fallback ?? ['*'])
  for (const list of [scriptSrc, styleSrc]) if ([...list].some(isNonceOrHash)) list.delete("'unsafe-inline'")
  if (scriptSrc.has("'strict-dynamic'")) {
    if (![...scriptSrc].some(isNonceOrHash)) return 'csp-header-invalid'
    for (const source of scriptSrc) {
      if ([...DANGEROUSLY_BROAD].some((broad) => source.startsWith(broad)) || source === "'self'")
        scriptSrc.delete(source)
      if (source === "'unsafe-inline'") scriptSrc.delete(source)
    }
  }
  const passive = new Set(['img-src', 'media-src'])
  const active = [...csp.entries()]
    .filter(([directive]) => !passive.has(directive) && directive !== 'script-src')
    .flatMap(([, sources]) => [...sources])
    .concat([...scriptSrc])
  const passiveSources = [...passive].flatMap((directive) => [...(csp.get(directive) ?? fallback ?? [])])
  const insecure = (source: string) => source.startsWith('http:') || source.startsWith('ftp:')

  if ([...scriptSrc].some(isBroadOrInline) || [...objectSrc].some((source) => DANGEROUSLY_BROAD.has(source))) {
    return 'csp-implemented-with-unsafe-inline'
  }
  if (https && active.some(insecure)) return 'csp-implemented-with-insecure-scheme'
  if (scriptSrc.has("'unsafe-eval'") || styleSrc.has("'unsafe-eval'")) return 'csp-implemented-with-unsafe-eval'
  if (https && passiveSources.some(insecure)) return 'csp-implemented-with-insecure-scheme-in-passive-content-only'
  if ([...styleSrc].some(isBroadOrInline)) return 'csp-implemented-with-unsafe-inline-in-style-src-only'
  if (fallback?.has("'none'") && fallback.size === 1) return 'csp-implemented-with-no-unsafe-default-src-none'
  return 'csp-implemented-with-no-unsafe'
}

function worse(next: Outcome, current: Outcome | undefined, order: Outcome[]): Outcome {
  return current === undefined || order.indexOf(next) > order.indexOf(current) ? next : current
}

export function cookies(observation: Observation): Outcome {
  const order: Outcome[] = [
    'cookies-without-secure-flag-but-protected-by-hsts',
    'cookies-without-secure-flag',
    'cookies-session-without-secure-flag-but-protected-by-hsts',
    'cookies-samesite-flag-invalid',
    'cookies-anticsrf-without-samesite-flag',
    'cookies-session-without-httponly-flag',
    'cookies-session-without-secure-flag',
  ]
  const setCookies = observation.headers.getSetCookie()
  if (setCookies.length === 0) return 'cookies-not-found'
  const hsts = strictTransportSecurity(observation) === 'hsts-implemented-max-age-at-least-six-months'
  let result: Outcome | undefined
  let missingSameSite = false
  for (const raw of setCookies) {
    const [pair, ...attributes] = raw.split(';').map((part) => part.trim())
    const name = (pair?.split('=')[0] ?? '').toLowerCase()
    const attribute = (key: string) =>
      attributes
        .map((a) => a.split('='))
        .find(([k]) => k?.trim().toLowerCase() === key)?.[1]
        ?.trim()
    const has = (key: string) => attributes.some((a) => a.split('=')[0]?.trim().toLowerCase() === key)
    const secure = has('secure')
    const sameSite = attribute('samesite')?.toLowerCase()
    const session = ['login', 'sess'].some((part) => name.includes(part))
    if (has('samesite') && !['lax', 'strict', 'none'].includes(sameSite ?? '')) {
      result = worse('cookies-samesite-flag-invalid', result, order)
    }
    if (!secure && sameSite === 'none') result = worse('cookies-samesite-flag-invalid', result, order)
    if (!secure) {
      result = worse(
        hsts ? 'cookies-without-secure-flag-but-protected-by-hsts' : 'cookies-without-secure-flag',
        result,
        order,
      )
    }
    if (name.includes('csrf') && !sameSite) result = worse('cookies-anticsrf-without-samesite-flag', result, order)
    if (session && !secure) {
      const outcome = hsts
        ? 'cookies-session-without-secure-flag-but-protected-by-hsts'
        : 'cookies-session-without-secure-flag'
      result = worse(outcome, result, order)
    }
    if (session && !has('httponly')) result = worse('cookies-session-without-httponly-flag', result, order)
    if (!sameSite) missingSameSite = true
  }
  return (
    result ??
    (missingSameSite ? 'cookies-secure-with-httponly-sessions' : 'cookies-secure-with-httponly-sessions-and-samesite')
  )
}

export function crossOriginResourceSharing(observation: Observation): Outcome {
  const allowOrigin = observation.corsHeaders.get('access-control-allow-origin')?.trim().toLowerCase()
  if (!allowOrigin) return 'cross-origin-resource-sharing-not-implemented'
  if (allowOrigin === '*') return 'cross-origin-resource-sharing-implemented-with-public-access'
  const credentials = observation.corsHeaders.get('access-control-allow-credentials')?.trim().toLowerCase() === 'true'
  // The scanner sends a foreign Origin; echoing it back with credentials lets any site read as the user.
  return allowOrigin !== 'null' && credentials
    ? 'cross-origin-resource-sharing-implemented-with-universal-access'
    : 'cross-origin-resource-sharing-implemented-with-restricted-access'
}

export function redirection(observation: Observation): Outcome {
  const route = observation.httpChain
  if (route.length === 0) return 'redirection-not-needed-no-http'
  if (route.length === 1) return 'redirection-missing'
  if (route.at(-1)?.url.protocol !== 'https:') return 'redirection-not-to-https'
  if (route[1]?.url.protocol === 'http:') return 'redirection-not-to-https-on-initial-redirection'
  if (route[0]?.url.hostname !== route[1]?.url.hostname) return 'redirection-off-host-from-http'
  return 'redirection-to-https'
}

export function referrerPolicy(observation: Observation): Outcome {
  const good = ['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin']
  const bad = ['origin', 'origin-when-cross-origin', 'unsafe-url', 'no-referrer-when-downgrade']
  const header = observation.headers.get('referrer-policy')
  const values = [...(header ? [header] : []), ...httpEquiv(observation.body, 'referrer-policy')]
  if (values.length === 0) return 'referrer-policy-not-implemented'
  const policy = values
    .join(',')
    .split(',')
    .map((value) => value.trim().toLowerCase())
    .filter((value) => good.includes(value) || bad.includes(value))
    .at(-1)
  if (policy && good.includes(policy)) return 'referrer-policy-private'
  if (policy) return 'referrer-policy-unsafe'
  return 'referrer-policy-header-invalid'
}

/** HSTS is only honoured on an https response; a header sent over http counts as no HTTPS at all. */
export function strictTransportSecurity(observation: Observation): Outcome {
  if (observation.url.protocol !== 'https:') return 'hsts-not-implemented-no-https'
  const header = observation.headers.get('strict-transport-security')
  if (!header) return 'hsts-not-implemented'
  if (header.includes(',')) return 'hsts-header-invalid'
  const maxAge = header
    .split(';')
    .map((part) => part.trim().toLowerCase())
    .find((part) => part.startsWith('max-age='))
  if (!maxAge) return 'hsts-header-invalid'
  const seconds = Number.parseInt(maxAge.slice(8, 128), 10)
  if (Number.isNaN(seconds)) return 'hsts-header-invalid'
  return seconds < 15_552_000
    ? 'hsts-implemented-max-age-less-than-six-months'
    : 'hsts-implemented-max-age-at-least-six-months'
}

export function subresourceIntegrity(observation: Observation): Outcome {
  const order: Outcome[] = [
    'sri-implemented-and-all-scripts-loaded-securely',
    'sri-implemented-and-external-scripts-loaded-securely',
    'sri-implemented-but-external-scripts-not-loaded-securely',
    'sri-not-implemented-but-external-scripts-loaded-securely',
    'sri-not-implemented-and-external-scripts-not-loaded-securely',
    'sri-not-implemented-response-not-html',
  ]
  const mime = (observation.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
  if (mime && mime !== 'text/html' && mime !== 'application/xhtml+xml') return 'sri-not-implemented-response-not-html'
  const scripts = [...observation.body.matchAll(/<script\b([^>]*)>/gi)].map((match) => match[1] ?? '')
  if (scripts.length === 0) return 'sri-not-implemented-but-no-scripts-loaded'
  const site = observation.url.hostname.split('.').slice(-2).join('.')
  let result: Outcome | undefined
  let foreign = false
  for (const attributes of scripts) {
    const src = /\bsrc\s*=\s*["']?([^"'\s>]+)/i.exec(attributes)?.[1]
    if (!src) continue
    const integrity = /\bintegrity\s*=/i.test(attributes)
    const protocolRelative = /^\/\/[^/]/.test(src)
    const full = /^https?:\/\//i.test(src)
    const relative = !protocolRelative && !full
    const sameSite = relative || protocolRelative || new URL(src).hostname.split('.').slice(-2).join('.') === site
    const secureOrigin = relative || (sameSite && !protocolRelative)
    const secureScheme =
      (full && src.toLowerCase().startsWith('https:')) || (relative && observation.url.protocol === 'https:')
    if (!secureOrigin) {
      foreign = true
      if (integrity && !secureScheme)
        result = worse('sri-implemented-but-external-scripts-not-loaded-securely', result, order)
      else if (!integrity && secureScheme) {
        result = worse('sri-not-implemented-but-external-scripts-loaded-securely', result, order)
      } else if (!integrity)
        result = worse('sri-not-implemented-and-external-scripts-not-loaded-securely', result, order)
    } else if (integrity && secureScheme && !result) {
      result = 'sri-implemented-and-all-scripts-loaded-securely'
    }
  }
  return (
    result ??
    (foreign
      ? 'sri-implemented-and-external-scripts-loaded-securely'
      : 'sri-not-implemented-but-all-scripts-loaded-from-secure-origin')
  )
}

export function xContentTypeOptions(observation: Observation): Outcome {
  const header = observation.headers.get('x-content-type-options')
  if (!header) return 'x-content-type-options-not-implemented'
  return header.trim().toLowerCase() === 'nosniff'
    ? 'x-content-type-options-nosniff'
    : 'x-content-type-options-header-invalid'
}

export function xFrameOptions(observation: Observation): Outcome {
  const header = observation.headers.get('content-security-policy')
  try {
    // frame-ancestors counts only from the header: a <meta> policy cannot set it.
    if (header && parseCsp([header]).has('frame-ancestors')) return 'x-frame-options-implemented-via-csp'
  } catch {}
  const value = observation.headers.get('x-frame-options')?.trim().toLowerCase()
  if (!value) return 'x-frame-options-not-implemented'
  if (value === 'deny' || value === 'sameorigin') return 'x-frame-options-sameorigin-or-deny'
  return value.startsWith('allow-from') ? 'x-frame-options-allow-from-origin' : 'x-frame-options-header-invalid'
}

export function crossOriginResourcePolicy(observation: Observation): Outcome {
  const header =
    observation.headers.get('cross-origin-resource-policy') ??
    httpEquiv(observation.body, 'cross-origin-resource-policy').at(-1)
  if (!header) return 'corp-not-implemented'
  const value = header.slice(0, 256).trim().toLowerCase()
  if (value === 'same-origin') return 'corp-implemented-with-same-origin'
  if (value === 'same-site') return 'corp-implemented-with-same-site'
  if (value === 'cross-origin') return 'corp-implemented-with-cross-origin'
  return 'corp-header-invalid'
}

export const TESTS: Record<TestName, (observation: Observation) => Outcome> = {
  'content-security-policy': contentSecurityPolicy,
  cookies,
  'cross-origin-resource-sharing': crossOriginResourceSharing,
  redirection,
  'referrer-policy': referrerPolicy,
  'strict-transport-security': strictTransportSecurity,
  'subresource-integrity': subresourceIntegrity,
  'x-content-type-options': xContentTypeOptions,
  'x-frame-options': xFrameOptions,
  'cross-origin-resource-policy': crossOriginResourcePolicy,
}

export interface Scan {
  score: number
  grade: string
  outcomes: Record<TestName, Outcome>
  /** Tests whose modifier is below zero, with it. */
  penalties: Partial<Record<TestName, number>>
}

const GRADES: [number, string][] = [
  [100, 'A+'],
  [90, 'A'],
  [85, 'A-'],
  [80, 'B+'],
  [70, 'B'],
  [65, 'B-'],
  [60, 'C+'],
  [50, 'C'],
  [45, 'C-'],
  [40, 'D+'],
  [30, 'D'],
  [25, 'D-'],
  [0, 'F'],
]

export function grade(score: number): string {
  const floor = Math.min(Math.max(score, 0) - (Math.max(score, 0) % 5), 100)
  return GRADES.find(([minimum]) => floor >= minimum)?.[1] ?? 'F'
}

/** Scores outcomes the Observatory's way: bonuses only count when the penalties alone leave 90 or more. */
export function score(outcomes: Record<TestName, Outcome>): Scan {
  let withBonuses = 100
  let penaltiesOnly = 100
  const penalties: Partial<Record<TestName, number>> = {}
  for (const [test, outcome] of Object.entries(outcomes) as [TestName, Outcome][]) {
    const modifier = MODIFIERS[outcome]
    withBonuses += modifier
    if (modifier < 0) {
      penaltiesOnly += modifier
      penalties[test] = modifier
    }
  }
  const total = Math.max(penaltiesOnly >= 90 ? withBonuses : penaltiesOnly, 0)
  return { score: total, grade: grade(total), outcomes, penalties }
}

export function scan(observation: Observation): Scan {
  const outcomes = Object.fromEntries(Object.entries(TESTS).map(([test, run]) => [test, run(observation)])) as Record<
    TestName,
    Outcome
  >
  return score(outcomes)
}
