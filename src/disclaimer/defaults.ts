// The bundled disclaimers, shown whenever KV has no valid text for a key.
import dosageAndSafety from '../../content/disclaimers/dosage-and-safety.txt'
import global from '../../content/disclaimers/global.txt'
import { validateDisclaimer } from './validate'

export const GLOBAL_KEY = 'disclaimer'
export const PAGE_KEY_PREFIX = 'disclaimer:'

export function pageKey(slug: string): string {
  return `${PAGE_KEY_PREFIX}${slug}`
}

const DEFAULT_FILES: Record<string, { file: string; source: string }> = {
  [GLOBAL_KEY]: { file: 'content/disclaimers/global.txt', source: global },
  [pageKey('dosage-and-safety')]: { file: 'content/disclaimers/dosage-and-safety.txt', source: dosageAndSafety },
}

export interface DefaultDisclaimer {
  file: string
  text: string
  paragraphs: string[]
}

function checkedDefaults(): ReadonlyMap<string, DefaultDisclaimer> {
  const defaults = new Map<string, DefaultDisclaimer>()
  for (const [key, { file, source }] of Object.entries(DEFAULT_FILES)) {
    const result = validateDisclaimer(source)
    if (!result.ok) throw new Error(`${file}: ${result.reason}`)
    defaults.set(key, { file, text: result.text, paragraphs: result.paragraphs })
  }
  return defaults
}

/** Bundled default text per KV key, validated once per isolate by the same rule as KV text. */
export const DEFAULT_DISCLAIMERS = checkedDefaults()
