// Where a bundle's evaluation goes: CPU profiles of its top level run in fresh isolates (V8's sampler every 100 µs),
// each sample traced through the bundle's source map to the file it came from. Samples, not their timestamps, are
// counted: on a busy machine a sample's wall-clock gap says more about other processes than about the Worker. The
// compiling that precedes evaluation happens as workerd loads the isolate, outside any profile.
import { readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { convertV4MiniflareOptions, Miniflare } from 'miniflare'
import { bundleFiles, type StartupBundle, siteCompatibility } from './startup-ratio.ts'

export interface CpuProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  children?: number[]
}

export interface CpuProfile {
  nodes: CpuProfileNode[]
  samples: number[]
}

export interface BreakdownRow {
  where: string
  samples: number
  /** Of every non-idle sample of the profiles, 0..1. */
  share: number
}

export interface StartupBreakdown {
  samples: number
  /** Self samples by the original file (node_modules by package) of the innermost bundle function on the stack. */
  bySource: BreakdownRow[]
  /** Samples under each call the module's top level makes, and under the top level itself. */
  byTopLevelCall: BreakdownRow[]
}

const SAMPLING_INTERVAL_MICROS = 100

/** `…/node_modules/hono/dist/jsx/base.js` → `hono/dist/jsx/base.js`; `../src/views/layout.tsx` → `src/views/layout.tsx`. */
export function sourcePath(source: string): string {
  const inPackage = /node_modules\/(.*)$/.exec(source)
  if (inPackage) return inPackage[1] as string
  const inProject = /(?:^|\/)((?:src|scripts|content)\/.*)$/.exec(source)
  return inProject ? (inProject[1] as string) : source
}

/** A source's file in the project, or its package: `hono/dist/jsx/base.js` → `hono`, `@scope/pkg/x.js` → `@scope/pkg`. */
export function sourceLabel(source: string): string {
  const path = sourcePath(source)
  if (!/node_modules\//.test(source)) return path
  return (/^(?:@[^/]+\/)?[^/]+/.exec(path)?.[0] as string | undefined) ?? path
}

/** Ranks counts, largest first, as rows with their share of `total`. */
function rows(counts: Map<string, number>, total: number): BreakdownRow[] {
  return [...counts].sort((a, b) => b[1] - a[1]).map(([where, samples]) => ({ where, samples, share: samples / total }))
}

/** What the bundler's own helpers (which map to no source) are charged with: mostly compiling each module's top level. */
export const BUNDLER_HELPERS = "the bundler's module initialisers (compiling each module's top level as it first runs)"

/**
 * Attributes every non-idle sample of `profiles` (each the evaluation of the bundle whose main module is `main`).
 * A frame outside the bundle (a built-in, V8's own work) is charged to the nearest bundle function that called it;
 * with none, it keeps its own name. The bundler's helpers (esbuild's lazy module initialisers, `__name`) map to no
 * source: they are looked through to the module or call they run, and what they spend themselves, which is mostly
 * V8 compiling the module's top level they are about to run, is charged to BUNDLER_HELPERS.
 */
export function startupBreakdown(
  profiles: CpuProfile[],
  sourceMap: Pick<SourceMap, 'findEntry'>,
  main: string,
): StartupBreakdown {
  const bySource = new Map<string, number>()
  const byTopLevelCall = new Map<string, number>()
  let total = 0
  const add = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1)
  const place = ({ callFrame }: CpuProfileNode) => {
    const entry = sourceMap.findEntry(callFrame.lineNumber, callFrame.columnNumber)
    if (!('originalSource' in entry)) return undefined
    const path = sourcePath(entry.originalSource)
    // Node's SourceMap gives the original name where the map has one; its types do not say so yet.
    const name = (entry as { name?: string }).name ?? (callFrame.functionName || '(anonymous)')
    return {
      source: sourceLabel(entry.originalSource),
      // A bundler's module initialiser maps to the very start of its file: that module's top level.
      label:
        entry.originalLine === 0 && entry.originalColumn === 0
          ? `${path}'s top level, with the modules it imports`
          : `${name} (${path}:${entry.originalLine + 1})`,
    }
  }
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((node) => [node.id, node]))
    const parentOf = new Map<number, number>()
    for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id)
    const inBundle = (node: CpuProfileNode) => node.callFrame.url === main
    const isTopLevel = (node: CpuProfileNode) => inBundle(node) && node.callFrame.lineNumber < 0
    for (const id of profile.samples) {
      const leaf = byId.get(id)
      if (!leaf || leaf.callFrame.functionName === '(idle)') continue
      total++
      // Innermost first, each bundle frame with where it came from (none for the bundler's helpers).
      const stack: { node: CpuProfileNode; at: ReturnType<typeof place> }[] = []
      for (let node: CpuProfileNode | undefined = leaf; node; node = byId.get(parentOf.get(node.id) ?? -1)) {
        stack.push({ node, at: inBundle(node) && !isTopLevel(node) ? place(node) : undefined })
      }
      const bundleFrames = stack.filter(({ node }) => inBundle(node) && !isTopLevel(node))
      const owner = bundleFrames[0]
      const topLevelIndex = stack.findIndex(({ node }) => isTopLevel(node))
      const ownName = leaf.callFrame.url && !inBundle(leaf) ? leaf.callFrame.url : leaf.callFrame.functionName
      const ownerSource = owner && (owner.at?.source ?? BUNDLER_HELPERS)
      add(bySource, ownerSource ?? (topLevelIndex >= 0 ? `${main}, top level (every file's module scope)` : ownName))
      if (topLevelIndex < 0) {
        add(byTopLevelCall, `not under the top level (${ownerSource ?? ownName})`)
      } else if (topLevelIndex === 0) {
        add(byTopLevelCall, 'the top level itself')
      } else {
        const call = stack.slice(0, topLevelIndex).findLast(({ at }) => at !== undefined)
        add(byTopLevelCall, call?.at?.label ?? BUNDLER_HELPERS)
      }
    }
  }
  return { samples: total, bySource: rows(bySource, total), byTopLevelCall: rows(byTopLevelCall, total) }
}

/** `Profiler.*` over the inspector's WebSocket for one isolate. */
export async function inspectorSession(url: URL) {
  const socket = new WebSocket(url)
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true })
    socket.addEventListener('error', () => reject(new Error(`could not open the inspector at ${url}`)), { once: true })
  })
  let lastId = 0
  const send = (method: string, params?: unknown) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = ++lastId
      const onMessage = (event: MessageEvent) => {
        const message = JSON.parse(String(event.data))
        if (message.id !== id) return
        socket.removeEventListener('message', onMessage)
        if (message.error) reject(new Error(`${method}: ${JSON.stringify(message.error)}`))
        else resolve(message.result ?? {})
      }
      socket.addEventListener('message', onMessage)
      socket.send(JSON.stringify({ id, method, params }))
    })
  return { send, close: () => socket.close() }
}

/** One workerd with `count` isolates of the bundle behind a probe module, open to the inspector. */
function profiledIsolates({ outdir, main }: StartupBundle, count: number): Miniflare {
  const compatibility = siteCompatibility()
  const modules = bundleFiles(outdir)
  // The probe is each isolate's main module; its /start request imports the bundle, and only that is profiled.
  const probe =
    'export default { async fetch(request) { ' +
    `if (new URL(request.url).pathname === '/start') await import(${JSON.stringify(`./${main}`)}); ` +
    'return new Response(null, { status: 204 }) } }'
  const workers = Array.from({ length: count }, (_, index) => ({
    name: `profiled-${index}`,
    ...compatibility,
    modulesRoot: outdir,
    modules: [
      { type: 'ESModule', path: join(outdir, 'startup-probe.js'), contents: probe },
      ...modules.map((file) => ({ type: 'ESModule', path: join(outdir, file) })),
    ],
    unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
  }))
  return new Miniflare(
    convertV4MiniflareOptions({ workers, inspectorPort: 0 } as Parameters<typeof convertV4MiniflareOptions>[0]),
  )
}

/** Profiles the bundle's evaluation in `isolates` fresh isolates and attributes the samples through its source map. */
export async function profileStartup(bundle: StartupBundle, isolates = 20): Promise<StartupBreakdown> {
  const miniflare = profiledIsolates(bundle, isolates)
  try {
    await miniflare.ready
    const inspector = await miniflare.getInspectorURL()
    const profiles: CpuProfile[] = []
    for (let index = 0; index < isolates; index++) {
      const name = `profiled-${index}`
      const url = await miniflare.unsafeGetDirectURL(name)
      const session = await inspectorSession(new URL(`/core:user:${name}`, inspector))
      try {
        await (await fetch(url)).arrayBuffer()
        await sleep(5) // the warm request's own teardown stays out of the profile
        await session.send('Profiler.enable')
        await session.send('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_MICROS })
        await session.send('Profiler.start')
        const started = await fetch(new URL('/start', url))
        if (started.status !== 204) {
          throw new Error(`${join(bundle.outdir, bundle.main)} failed to evaluate: ${await started.text()}`)
        }
        const { profile } = await session.send('Profiler.stop')
        profiles.push(profile as CpuProfile)
      } finally {
        session.close()
      }
    }
    const sourceMap = new SourceMap(JSON.parse(readFileSync(join(bundle.outdir, `${bundle.main}.map`), 'utf8')))
    return startupBreakdown(profiles, sourceMap, bundle.main)
  } finally {
    await miniflare.dispose()
  }
}

/** The top rows of a breakdown as Markdown, each with its share and its share of `evaluationMs`. */
export function breakdownTable(title: string, breakdown: BreakdownRow[], evaluationMs: number, top = 12): string[] {
  const shown = breakdown.slice(0, top)
  const rest = breakdown.slice(top).reduce((sum, row) => sum + row.share, 0)
  return [
    `| ${title} | share of samples | ≈ ms of evaluation |`,
    '|---|---:|---:|',
    ...shown.map(
      (row) => `| ${row.where} | ${(row.share * 100).toFixed(0)} % | ${(row.share * evaluationMs).toFixed(1)} |`,
    ),
    ...(rest > 0 ? [`| everything else | ${(rest * 100).toFixed(0)} % | ${(rest * evaluationMs).toFixed(1)} |`] : []),
  ]
}
