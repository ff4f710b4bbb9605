// How long each module in src/ is: the check fails on one over the limit (generated modules aside), so that a module
// that grows a second job gets split before it is hard to read.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { PROJECT_ROOT } from './paths.ts'

export const MAX_MODULE_LINES = 450

export interface ModuleSize {
  path: string
  lines: number
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourcesUnder(path)
    return /\.tsx?$/.test(entry.name) ? [path] : []
  })
}

/** Every module under `root` (default src/), longest first; generated modules (`*.generated.ts`) are left out. */
export function moduleSizes(root = join(PROJECT_ROOT, 'src')): ModuleSize[] {
  return sourcesUnder(root)
    .filter((path) => !/\.generated\.tsx?$/.test(path))
    .map((path) => ({ path: relative(PROJECT_ROOT, path), lines: readFileSync(path, 'utf8').split('\n').length - 1 }))
    .sort((a, b) => b.lines - a.lines || a.path.localeCompare(b.path))
}

/** The modules over MAX_MODULE_LINES, each with its length. */
export function oversizedModules(sizes: ModuleSize[] = moduleSizes()): ModuleSize[] {
  return sizes.filter((size) => size.lines > MAX_MODULE_LINES)
}
