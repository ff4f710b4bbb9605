// The pages the benchmark loads: the routes the site's sitemap lists, their exact bytes, and T, the Worker
// that returns them as constants.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BuiltBundle } from './serve-bundle.ts'

export interface RawResponse {
  /** Everything on the wire: status line, headers and body. */
  bytes: number
  status: number
  headers: [string, string][]
  body: string
}

/** The payload of a chunked body: each chunk is its size in hex, CRLF, the bytes, CRLF; size 0 ends it. */
function dechunk(body: Buffer): Buffer {
  const chunks: Buffer[] = []
  let at = 0
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at)
    const size = Number.parseInt(body.subarray(at, lineEnd).toString('latin1'), 16)
    if (lineEnd < 0 || !size) return Buffer.concat(chunks)
    chunks.push(body.subarray(lineEnd + 2, lineEnd + 2 + size))
    at = lineEnd + 2 + size + 2
  }
}

/** One GET on a fresh connection: the exact bytes on the wire, and the head and (de-chunked) body apart. */
export function rawGet(url: URL, path: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname)
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('end', () => {
      const raw = Buffer.concat(chunks)
      const split = raw.indexOf('\r\n\r\n')
      const [statusLine = '', ...lines] = raw.subarray(0, split).toString('latin1').split('\r\n')
      const headers = lines.map((line): [string, string] => {
        const colon = line.indexOf(':')
        return [line.slice(0, colon), line.slice(colon + 1).trim()]
      })
      const chunked = headers.some(([name, value]) => /^transfer-encoding$/i.test(name) && /chunked/i.test(value))
      const body = raw.subarray(split + 4)
      resolve({
        bytes: raw.length,
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: (chunked ? dechunk(body) : body).toString('utf8'),
      })
    })
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`)
  })
}

export function headerOf(response: RawResponse, name: string): string | undefined {
  return response.headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1]
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** The path (and query) of every `<loc>` in a sitemap, in its order; the origin is dropped. */
export function sitemapPaths(xml: string): string[] {
  return [...xml.matchAll(/<loc>([^<]*)<\/loc>/g)].map(([, loc = '']) => {
    const url = new URL(loc.trim().replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => XML_ENTITIES[name] ?? ''))
    return url.pathname + url.search
  })
}

/** The routes the served site lists in its /sitemap.xml. */
export async function routesFromSitemap(url: URL): Promise<string[]> {
  const response = await rawGet(url, '/sitemap.xml')
  if (response.status !== 200) throw new Error(`/sitemap.xml answered ${response.status}, not 200`)
  const paths = sitemapPaths(response.body)
  if (paths.length === 0) throw new Error('/sitemap.xml lists no <loc> entries')
  return paths
}

const UNCOPIED_HEADERS = new Set(['content-length', 'date', 'connection', 'transfer-encoding'])

/** T: each page of H0 as a constant, with H0's headers, so both put the same bytes on the wire. */
export async function writeConstantWorker(h0: URL, routes: string[]): Promise<BuiltBundle> {
  const pages: Record<string, { body: string; headers: [string, string][] }> = {}
  for (const path of routes) {
    const response = await rawGet(h0, path)
    pages[path] = {
      body: response.body,
      headers: response.headers.filter(([name]) => !UNCOPIED_HEADERS.has(name.toLowerCase())),
    }
  }
  const outdir = mkdtempSync(join(tmpdir(), 'kratom-bench-t-'))
  const mainPath = join(outdir, 'index.js')
  writeFileSync(
    mainPath,
    `const PAGES = new Map(Object.entries(${JSON.stringify(pages)}))\n` +
      'export default {\n' +
      '  fetch(request) {\n' +
      '    const url = new URL(request.url)\n' +
      '    const page = PAGES.get(url.pathname + url.search)\n' +
      "    return page ? new Response(page.body, { headers: page.headers }) : new Response('not found', { status: 404 })\n" +
      '  },\n' +
      '}\n',
  )
  return { outdir, mainPath }
}
