// The site as deployed with KV answering every read 100 ms late, injected at the disclaimer reader's seam: the
// benchmark's H2. It records each read this isolate sends, by key set, and tells them (with the isolate cache's
// freshness, FRESH_MS) on a path only it has.
import { FRESH_MS } from '../../src/core/kv-contract.ts'
import { createApp } from '../../src/index.ts'
import type { DisclaimerNamespace } from '../../src/site/reader.ts'
import { KV_DELAY_MS, KV_READS_PATH } from './slow-kv.ts'

export { DisclaimerLedger } from '../../src/index.ts'

/** When each read was sent (ms since the epoch), by its keys joined with a space. */
const reads = new Map<string, number[]>()

function slowKv(kv: KVNamespace): DisclaimerNamespace {
  return {
    async getWithMetadata(keys, options) {
      const keySet = keys.join(' ')
      reads.set(keySet, [...(reads.get(keySet) ?? []), Date.now()])
      await new Promise((resolve) => setTimeout(resolve, KV_DELAY_MS))
      return kv.getWithMetadata(keys, options)
    },
  }
}

const app = createApp()

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    if (new URL(request.url).pathname === KV_READS_PATH) {
      return Response.json({ freshMs: FRESH_MS, reads: Object.fromEntries(reads) })
    }
    return app.fetch(request, { ...env, DISCLAIMERS: slowKv(env.DISCLAIMERS) as unknown as KVNamespace }, ctx)
  },
}
