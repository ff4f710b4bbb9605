// The bundled default disclaimers, from content/disclaimers at build time.
import { GENERATED_DEFAULTS } from './defaults.generated.ts'
import type { BundledDefault } from './keys.ts'

export type { BundledDefault }

/** Bundled default text per KV key, checked at build time by the same rule as KV text. */
export const DEFAULT_DISCLAIMERS: ReadonlyMap<string, BundledDefault> = new Map(
  GENERATED_DEFAULTS.map((entry) => [entry.key, entry]),
)
