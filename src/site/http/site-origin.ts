import { logSettingsProblems, siteOriginProblem, usableSiteOrigin } from '../../core/settings.ts'

let last: { configured: string | undefined; origin: string | undefined } | undefined

/**
 * The origin canonical URLs are built from: SITE_ORIGIN, never the Host header. Never throws: a SITE_ORIGIN that is
 * not a bare origin is logged once per isolate and read as the origin it plainly means (`https://x.org/` is
 * `https://x.org`), or as none when it names no http(s) origin at all; the console shows the problem to editors.
 */
export function siteOrigin(configured: string | undefined): string | undefined {
  if (last && last.configured === configured) return last.origin
  const problem = siteOriginProblem(configured)
  if (problem) logSettingsProblems([problem])
  const origin = problem ? usableSiteOrigin(configured) : configured
  last = { configured, origin }
  return origin
}
