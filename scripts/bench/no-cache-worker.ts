// The site with the isolate's disclaimer cache off: the benchmark's H1, one KV read per request.
import { createApp } from '../../src/index'

export default createApp({ cacheTtlMs: 0 })
