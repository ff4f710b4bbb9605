// The site as deployed, except that every KV read throws: what the load test serves to prove the bundled
// default holds under load. The fault enters through the Worker's own env, not by changing the runtime.
import { createApp } from '../../../src/index.ts'

export { DisclaimerLedger } from '../../../src/index.ts'

const failingKv = {
  getWithMetadata: async () => {
    throw new Error('KV is unavailable (injected by the load test)')
  },
} as unknown as KVNamespace

const app = createApp()

export default {
  fetch: (request: Request, env: Env, ctx: ExecutionContext) =>
    app.fetch(request, { ...env, DISCLAIMERS: failingKv }, ctx),
}
