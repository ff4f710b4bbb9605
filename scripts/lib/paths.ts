// Where the project and its wrangler config are; no imports, so a script that needs only this starts fast.
import { join } from 'node:path'

export const PROJECT_ROOT = new URL('../..', import.meta.url).pathname
export const CONFIG_PATH = join(PROJECT_ROOT, 'wrangler.toml')
