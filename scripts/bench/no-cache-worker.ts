// The site with the isolate's disclaimer cache off: the benchmark's H1, one KV read per request.
import { createApp } from '../../src/index.ts'

export { DisclaimerLedger } from '../../src/index.ts'

export default createApp({ freshMs: 0, maxStaleMs: 0 })
