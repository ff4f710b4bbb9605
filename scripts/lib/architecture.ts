// The shape of src/, as npm run check holds it: three things run (the visitor's site, the editor half, the ledger's
// Durable Object) over what they share (core), each folder imports only the folders below it, and no import circles.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { PROJECT_ROOT } from './paths.ts'

/** What each top-level folder of src/ may import besides itself; `index.ts` assembles the Worker from all of them. */
export const LAYERS: Readonly<Record<string, readonly string[]>> = {
  core: [],
  site: ['core'],
  ledger: ['core'],
  editor: ['core', 'site', 'ledger:types'],
}

export interface Import {
  from: string
  to: string
  typeOnly: boolean
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourcesUnder(path)
    return /\.tsx?$/.test(entry.name) ? [path] : []
  })
}

const STATIC_IMPORT = /^(?:import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm
const DYNAMIC_IMPORT = /import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g

/** Every relative import between modules under `root` (default src/), as paths relative to it. */
export function importsUnder(root = join(PROJECT_ROOT, 'src')): Import[] {
  return sourcesUnder(root).flatMap((file) => {
    const text = readFileSync(file, 'utf8')
    const from = relative(root, file)
    const to = (spec: string) => relative(root, resolve(dirname(file), spec))
    return [
      ...[...text.matchAll(STATIC_IMPORT)].map((m) => ({ from, to: to(m[2] as string), typeOnly: Boolean(m[1]) })),
      ...[...text.matchAll(DYNAMIC_IMPORT)].map((m) => ({ from, to: to(m[1] as string), typeOnly: false })),
    ]
  })
}

function layerOf(path: string): string {
  return path.includes('/') ? (path.split('/')[0] as string) : path
}

/** Each import that goes against LAYERS, said as a sentence. */
export function layerViolations(imports: Import[], layers = LAYERS): string[] {
  return imports.flatMap(({ from, to, typeOnly }) => {
    const [source, target] = [layerOf(from), layerOf(to)]
    const allowed = layers[source]
    if (!allowed || source === target) return []
    if (allowed.includes(target) || (typeOnly && allowed.includes(`${target}:types`))) return []
    const what = allowed.includes(`${target}:types`) ? `values from ${target}/ (only its types)` : `${target}/`
    return [`${from} imports ${to}: ${source}/ may not import ${what}`]
  })
}

/** Every import circle, each as the modules around it (the first repeated at the end). */
export function importCycles(imports: Import[]): string[][] {
  const edges = new Map<string, string[]>()
  for (const { from, to } of imports) edges.set(from, [...(edges.get(from) ?? []), to])
  const cycles: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (node: string) => {
    state.set(node, 'open')
    stack.push(node)
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next])
      else if (!state.has(next)) visit(next)
    }
    stack.pop()
    state.set(node, 'done')
  }
  for (const node of [...edges.keys()].sort()) if (!state.has(node)) visit(node)
  return cycles
}
