import { secureHeaders } from 'hono/secure-headers'
import { STYLE_HASH_SOURCE } from '../views/styles'

/** Applied to every response, errors and 404s included. Pages run no script and load nothing but the favicon. */
export const securityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    styleSrc: [STYLE_HASH_SOURCE],
    imgSrc: ["'self'"],
    // No script runs, so this grants nothing; Lighthouse reads /robots.txt with a fetch from inside the page.
    connectSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
    objectSrc: ["'none'"],
  },
  strictTransportSecurity: 'max-age=63072000; includeSubDomains; preload',
  referrerPolicy: 'no-referrer',
  xFrameOptions: 'DENY',
  crossOriginEmbedderPolicy: 'require-corp',
  permissionsPolicy: {
    camera: [],
    microphone: [],
    geolocation: [],
    payment: [],
    usb: [],
    browsingTopics: [],
  },
})
