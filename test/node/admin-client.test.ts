// The CLI's requests to a deployed site: when none gets an answer, the error names the host and why.
import { createServer, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { CliError, fetchRemote } from '../../scripts/lib/admin-client.ts'

const servers: Server[] = []
const sockets: Socket[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))))
})

/** A TCP server on a free port of 127.0.0.1 that does `onConnection` with each connection. */
async function listening(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    sockets.push(socket)
    onConnection(socket)
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as { port: number }).port
}

async function failure(url: string, timeoutMs?: number): Promise<CliError> {
  const error = await fetchRemote(url, {}, timeoutMs).then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(CliError)
  return error as CliError
}

describe('fetchRemote', () => {
  it('names a host whose name is not found (DNS)', async () => {
    const { message } = await failure('https://kratom.replace-with-staging-hostname.invalid/admin/whoami')
    expect(message).toMatch(
      /^cannot find kratom\.replace-with-staging-hostname\.invalid \(DNS: (ENOTFOUND|EAI_AGAIN)\); check SITE_ORIGIN and the custom domain in wrangler\.toml, and that the deploy attached it \(docs\/operations\.md, "The hostname"\); nothing was sent$/,
    )
  })

  it('names a host that refuses the connection', async () => {
    const port = await listening((socket) => socket.destroy())
    await new Promise((resolve) => servers.pop()?.close(resolve))
    const { message } = await failure(`http://127.0.0.1:${port}/admin/whoami`)
    expect(message).toBe(
      `127.0.0.1:${port} refused the connection (ECONNREFUSED); nothing answers there: check SITE_ORIGIN; nothing was sent`,
    )
  })

  it('names a host that cannot be reached over TLS', async () => {
    const port = await listening((socket) => socket.on('data', () => socket.end('HTTP/1.1 200 OK\r\n\r\n')))
    const { message } = await failure(`https://127.0.0.1:${port}/admin/whoami`)
    expect(message).toMatch(
      new RegExp(
        `^127\\.0\\.0\\.1:${port} could not be reached over TLS \\((ERR_SSL_[A-Z_]+|EPROTO)\\); a new custom domain's certificate takes a few minutes after the first deploy`,
      ),
    )
  })

  it('names a host that does not answer in time, and says a change may have been made', async () => {
    const port = await listening(() => {})
    const { message } = await failure(`http://127.0.0.1:${port}/admin/whoami`, 300)
    expect(message).toBe(
      `127.0.0.1:${port} did not answer within 0.3 s (timeout); check that the site is up (curl -sI http://127.0.0.1:${port}/); a change may have been made: read it back before trying again`,
    )
  })

  it('answers what the site answers', async () => {
    const port = await listening((socket) =>
      socket.on('data', () => socket.end('HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n')),
    )
    expect((await fetchRemote(`http://127.0.0.1:${port}/`)).status).toBe(204)
  })
})
