// The bundled default disclaimers and the list of editable targets, both from content/ at build time.
import { SITE_PAGES } from '../article/index.ts'
import { GENERATED_DEFAULTS } from './defaults.generated.ts'
import { GLOBAL_TARGET, keyOf } from './keys.ts'

export interface BundledDefault {
  target: string
  key: string
  /** The file it came from, e.g. content/disclaimers/global.txt. */
  file: string
  text: string
  paragraphs: string[]
  hash: string
}

/** Bundled default text per KV key, checked at build time by the same rule as KV text. */
export const DEFAULT_DISCLAIMERS: ReadonlyMap<string, BundledDefault> = new Map(
  GENERATED_DEFAULTS.map((entry) => [entry.key, entry]),
)

/**
 * What editors can change: "global" (on every page) and each page of the sitemap (an extra note on that page).
 * A page with a file in content/disclaimers has a bundled default; the others show nothing until edited.
 */
export const TARGETS: readonly string[] = [GLOBAL_TARGET, ...SITE_PAGES.map((page) => page.slug)]

/** How a target is named to editors, in the console and in messages. */
export function targetLabel(target: string): string {
  if (target === GLOBAL_TARGET) return 'The global disclaimer (on every page)'
  const page = SITE_PAGES.find((entry) => entry.slug === target)
  return `The note on “${page?.navLabel ?? target}”`
}

export function isTarget(name: string): boolean {
  return TARGETS.includes(name)
}

/** Every target's KV key, in the order of TARGETS. */
export const TARGET_KEYS: readonly string[] = TARGETS.map(keyOf)
