// Where the project and its wrangler config are; no imports, so a script that needs only this starts fast.
import { join } from 'node:path'

export const PROJECT_ROOT = new URL('../..', import.meta.url).pathname
export const CONFIG_PATH = join(PROJECT_ROOT, 'wrangler.toml')
/**
 * wrangler's command line, run as `node <it>` on the Node running the script: npx would start npm first, about 0.9 s
 * of CPU a call (measured).
 */
export const WRANGLER_BIN = join(PROJECT_ROOT, 'node_modules/wrangler/bin/wrangler.js')
