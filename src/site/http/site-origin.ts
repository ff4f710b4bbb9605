let lastValid: string | undefined

/** Canonical URLs come from configuration, never from the Host header. Throws when SITE_ORIGIN is not a bare origin. */
export function siteOrigin(configured: string | undefined): string {
  if (configured !== undefined && configured === lastValid) return configured
  let valid = false
  try {
    const url = new URL(configured ?? '')
    valid = (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === configured
  } catch {}
  if (!valid || configured === undefined) {
    throw new Error(
      `SITE_ORIGIN is ${JSON.stringify(configured)}; set it in wrangler.toml [vars] to an origin such as "https://example.com" (no path, no trailing slash)`,
    )
  }
  lastValid = configured
  return configured
}
