import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { ledgerOf } from '../src/core/ledger-address.ts'
import Site from '../src/index.ts'

/** An execution context whose Workers Cache records what it is asked to purge: the seam workerd lacks. */
function contextWithCache(success = true) {
  const purged: CachePurgeOptions[] = []
  const ctx = createExecutionContext()
  Object.defineProperty(ctx, 'cache', {
    value: {
      purge: async (options: CachePurgeOptions) => {
        purged.push(options)
        return { success, errors: [] }
      },
      invalidate: async () => ({ success, errors: [] }),
    },
  })
  return { ctx, purged }
}

describe('the Worker entrypoint', () => {
  it('serves the site through its fetch handler', async () => {
    const res = await exports.default.fetch('https://kratom.test/conclusion')
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('id="health-disclaimer"')
  })

  it('purges exactly the tags it is given from Workers Cache, and says so when Cloudflare refuses', async () => {
    const { ctx, purged } = contextWithCache()
    await new Site(ctx, env).purgeEdgeCache(['disclaimer:global'])
    expect(purged).toEqual([{ tags: ['disclaimer:global'] }])
    const refused = contextWithCache(false)
    await expect(new Site(refused.ctx, env).purgeEdgeCache(['disclaimer:home'])).rejects.toThrow(
      'Workers Cache refused the purge of disclaimer:home',
    )
  })

  it('has nothing to purge where the runtime has no Workers Cache, as locally', async () => {
    const ctx = createExecutionContext()
    expect(ctx.cache).toBeUndefined()
    await expect(new Site(ctx, env).purgeEdgeCache(['disclaimer:global'])).resolves.toBeUndefined()
  })

  it('records an edit made around the ledger when the cron runs', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {})
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    await env.DISCLAIMERS.put('disclaimer:conclusion', 'Put with plain wrangler.')
    const ctx = createExecutionContext()
    await new Site(ctx, env).scheduled(createScheduledController({ cron: '* * * * *' }))
    await waitOnExecutionContext(ctx)
    const {
      versions: [latest],
    } = await ledgerOf(env).history('conclusion')
    expect(latest).toMatchObject({
      how: 'external',
      text: 'Put with plain wrangler.',
      valid: true,
      by: 'outside the ledger',
    })
  })
})
