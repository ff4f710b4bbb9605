// A port of 127.0.0.1 that nothing listens on now, for a server that cannot be given port 0 (wrangler dev, npm start).
import { createServer } from 'node:net'

/** Asks the system for a free port and lets it go again; a server started next takes it (or retries, if raced). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}
