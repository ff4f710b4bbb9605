// A transparency log in memory, served over HTTP on 127.0.0.1 as the site serves its own (`/log/checkpoint`,
// `/log/tile/…`, `/log/tile/entries/…`) with pages beside it: what the tests check
// verify-page, verify --checkpoint and the witness against, without a Worker.
import { createServer, type Server } from 'node:http'
import { formatCheckpoint } from '../../src/core/log/checkpoint.ts'
import { leafHash } from '../../src/core/log/merkle.ts'
import { signNote } from '../../src/core/log/note.ts'
import type { NoteSigner } from '../../src/core/log/note-keys.ts'
import { bundleBytes, parseTilePath, TILE_WIDTH } from '../../src/core/log/tiles.ts'
import { appendLeaf, MemoryHashStore, readTile, treeRoot } from '../../src/core/log/tree-store.ts'

export class MemoryLog {
  readonly origin: string
  readonly hashes = new MemoryHashStore()
  readonly #entries: Uint8Array[] = []
  readonly #entryAt: ((index: number) => Uint8Array) | undefined
  size = 0
  /** The signed note served at /log/checkpoint. */
  checkpoint = ''

  /** With `entryAt`, entries are made again when served instead of kept (a tree of a million). */
  constructor(origin: string, entryAt?: (index: number) => Uint8Array) {
    this.origin = origin
    this.#entryAt = entryAt
  }

  append(entry: Uint8Array): number {
    appendLeaf(this.hashes, this.size, leafHash(entry))
    if (!this.#entryAt) this.#entries.push(entry)
    return this.size++
  }

  entry(index: number): Uint8Array {
    return this.#entryAt ? this.#entryAt(index) : (this.#entries[index] as Uint8Array)
  }

  root(size = this.size): Uint8Array {
    return treeRoot(this.hashes, size)
  }

  /** The checkpoint of the tree as it is now, signed by `signers`; it becomes what the log serves. */
  async sign(signers: readonly NoteSigner[]): Promise<string> {
    const text = formatCheckpoint({ origin: this.origin, size: this.size, root: this.root(), extensions: [] })
    this.checkpoint = await signNote(text, signers)
    return this.checkpoint
  }

  /** A log file's bytes by its path under /log/, or undefined when the tree has no such file. */
  file(path: string): Uint8Array | string | undefined {
    if (path === 'checkpoint') return this.checkpoint || undefined
    const parsed = parseTilePath(path)
    if (!parsed.ok) return undefined
    if (parsed.kind === 'hashes') {
      try {
        return readTile(this.hashes, parsed.tile, this.size)
      } catch {
        return undefined
      }
    }
    const from = parsed.bundle.index * TILE_WIDTH
    if (from + parsed.bundle.width > this.size) return undefined
    return bundleBytes(Array.from({ length: parsed.bundle.width }, (_, i) => this.entry(from + i)))
  }
}

export interface ServedLog {
  origin: string
  /** Paths served, in order (`/log/checkpoint`, `/page`). */
  requests: string[]
  close(): Promise<void>
}

/**
 * Serves `log` (read at each request, so a test may grow or replace it) under /log/, and `pages` by path, on
 * 127.0.0.1 at a free port. Full tiles are served as immutable, the rest as no-cache, as the site does.
 */
export async function serveLog(
  log: () => MemoryLog,
  pages: () => Record<string, string> = () => ({}),
): Promise<ServedLog> {
  const requests: string[] = []
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    requests.push(path)
    const page = pages()[path]
    const body = page ?? (path.startsWith('/log/') ? log().file(path.slice('/log/'.length)) : undefined)
    if (request.method !== 'GET' || body === undefined) {
      response.writeHead(request.method === 'GET' ? 404 : 405, { 'content-type': 'text/plain' }).end('not found\n')
      return
    }
    const type = page ? 'text/html; charset=utf-8' : typeof body === 'string' ? 'text/plain; charset=utf-8' : ''
    const immutable = /^\/log\/tile\/(?!.*\.p\/)/.test(path)
    response
      .writeHead(200, {
        'content-type': type || 'application/octet-stream',
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      })
      .end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
