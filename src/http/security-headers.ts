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
  crossOriginEmbedderPolicy: 'require-corp',
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
 */
export const securityHeaders = secureHeaders({
  ...HEADERS,
  contentSecurityPolicy: CONTENT_SECURITY_POLICY,
  overwrite: false,
})

/** The editor console's: the same, plus its own stylesheet, and forms that may post to this site only. */
export const consoleSecurityHeaders = secureHeaders({
  ...HEADERS,
  contentSecurityPolicy: {
    ...CONTENT_SECURITY_POLICY,
    styleSrc: [STYLE_HASH_SOURCE, CONSOLE_STYLE_HASH_SOURCE],
    formAction: ["'self'"],
  },
})
