// Every article page's path, in reading order, from the bundled article: shared by the tests inside workerd
// and those in Node.
import { SITE_PAGES } from '../src/core/site-map.ts'

export const SITE_PATHS: readonly string[] = SITE_PAGES.map((page) => page.path)
