import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { headerOf, rawGet, routesFromSitemap, sitemapPaths } from '../../scripts/lib/bench-pages.ts'

const SITEMAP = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://localhost:8787/</loc><lastmod>2026-11-01</lastmod></url><url><loc>
  http://localhost:8787/dosage-and-safety</loc></url><url><loc>https://kratom.example.org/full-article?view=print&amp;lang=en</loc></url></urlset>
`

describe('sitemapPaths', () => {
  it('keeps the path and query of every <loc>, in order, whatever the origin', () => {
    expect(sitemapPaths(SITEMAP)).toEqual(['/', '/dosage-and-safety', '/full-article?view=print&lang=en'])
  })

  it('finds nothing in a sitemap without entries', () => {
    expect(sitemapPaths('<urlset></urlset>')).toEqual([])
  })
})

describe('rawGet and routesFromSitemap', () => {
  let server: Server
  let url: URL
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/sitemap.xml') {
        response.writeHead(200, { 'Content-Type': 'application/xml', 'Disclaimer-Source': 'kv' })
        response.end(SITEMAP)
      } else if (request.url === '/chunked') {
        response.writeHead(200, { 'Content-Type': 'text/plain' })
        response.write('first chunk, ')
        setTimeout(() => response.end('then the second'), 10)
      } else {
        response.writeHead(404, { 'Content-Length': 8 }).end('not here')
      }
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('counts every byte on the wire and splits head from body', async () => {
    const response = await rawGet(url, '/missing')
    expect(response.status).toBe(404)
    expect(headerOf(response, 'content-length')).toBe('8')
    expect(response.body).toBe('not here')
    const head = `HTTP/1.1 404 Not Found\r\n${response.headers.map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n`
    expect(response.bytes).toBe(Buffer.byteLength(head) + 'not here'.length)
  })

  it('joins a chunked body and still counts the chunk framing as bytes on the wire', async () => {
    const response = await rawGet(url, '/chunked')
    expect(headerOf(response, 'transfer-encoding')).toBe('chunked')
    expect(response.body).toBe('first chunk, then the second')
    const framing = 'd\r\n\r\n'.length + 'f\r\n\r\n'.length + '0\r\n\r\n'.length
    const head = `HTTP/1.1 200 OK\r\n${response.headers.map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n`
    expect(response.bytes).toBe(Buffer.byteLength(head) + 'first chunk, then the second'.length + framing)
  })

  it("lists the served site's routes from its sitemap", async () => {
    expect(await routesFromSitemap(url)).toEqual(['/', '/dosage-and-safety', '/full-article?view=print&lang=en'])
  })
})
