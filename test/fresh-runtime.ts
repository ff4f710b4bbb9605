// The workers project runs its files in turn in one workerd per test worker (`isolate: false`, vitest.config.ts).
// Each file starts as if alone: storage empty, the Worker's ledger without an alarm left by the file before (a fake
// clock may have set one in the past), timers real, no spy left, and every module a fresh copy.
import { reset, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { vi } from 'vitest'
import { ledgerOf } from '../src/core/ledger-address.ts'

vi.useRealTimers()
vi.restoreAllMocks()
vi.unstubAllGlobals()
await runInDurableObject(ledgerOf(env), (_, state) => state.storage.deleteAlarm())
// reset() deletes the storage of the objects that are running: wake the one behind each binding first.
await env.DISCLAIMERS.list({ limit: 1 })
await env.BACKUPS.list({ limit: 1 })
await env.EDITOR_WRITES.limit({ key: 'fresh-runtime' })
await env.AUTH_FAILURES.limit({ key: 'fresh-runtime' })
await reset()
vi.resetModules()
