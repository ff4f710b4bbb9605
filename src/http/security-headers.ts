import { secureHeaders } from 'hono/secure-headers'
import { CONSOLE_STYLE_HASH_SOURCE, STYLE_HASH_SOURCE } from '../views/styles.ts'

const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'none'"],
  styleSrc: [STYLE_HASH_SOURCE],
  imgSrc: ["'self'"],
  // No script runs, so this grants nothing; Lighthouse reads /robots.txt with a fetch from inside the page.
  connectSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
}

const HEADERS: Parameters<typeof secureHeaders>[0] = {
  strictTransportSecurity: 'max-age=63072000; includeSubDomains; preload',
  referrerPolicy: 'no-referrer',
  xFrameOptions: 'DENY',
  // Other sites may not embed these responses (Cross-Origin-Resource-Policy: same-origin, Hono's default).
  crossOriginResourcePolicy: 'same-origin',
  xXssProtection: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  // Only a hint (no script runs here to share memory with), dropped to keep every page within one TCP flight.
  originAgentCluster: false,
  permissionsPolicy: {
    camera: [],
    microphone: [],
    geolocation: [],
    payment: [],
    usb: [],
    browsingTopics: [],
  },
}

/**
 * Applied to every response, errors and 404s included. Pages run no script and load nothing but the favicon.
 * A header a route sets itself (the console's CSP, below) is left as the route set it.
 * Obsolete headers (X-XSS-Protection, X-DNS-Prefetch-Control, X-Download-Options,
 * X-Permitted-Cross-Domain-Policies) and the Origin-Agent-Cluster hint are not sent.
 * Nor are Cross-Origin-Opener-Policy and -Embedder-Policy: together they isolate a page's script from other
 * origins', and these pages run none and hold nothing private. COOP is not free: it makes Chromium open every
 * arrival from another page in a new browsing context group, a fresh renderer, and Lighthouse measured that as
 * 119–454 ms of mobile Total Blocking Time on /conclusion against 19–145 ms without it (README, Browser suite).
 */
export const securityHeaders = secureHeaders({
  ...HEADERS,
  crossOriginOpenerPolicy: false,
  crossOriginEmbedderPolicy: false,
  contentSecurityPolicy: CONTENT_SECURITY_POLICY,
  overwrite: false,
})

/**
 * The editor console's: the same, plus its own stylesheet, forms that may post to this site only, and a window no
 * other origin keeps a handle on (COOP same-origin), since an editor is signed in there.
 */
export const consoleSecurityHeaders = secureHeaders({
  ...HEADERS,
  crossOriginOpenerPolicy: 'same-origin',
  crossOriginEmbedderPolicy: 'require-corp',
  contentSecurityPolicy: {
    ...CONTENT_SECURITY_POLICY,
    styleSrc: [STYLE_HASH_SOURCE, CONSOLE_STYLE_HASH_SOURCE],
    formAction: ["'self'"],
  },
})
