import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { listBackups } from '../src/core/backups.ts'
import { verifyExport } from '../src/core/chain.ts'
import { ledgerOf } from '../src/core/ledger-address.ts'
import { BACKUP_CRON } from '../src/core/settings.ts'
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
    } = await ledgerOf(env).read('history', 'conclusion')
    expect(latest).toMatchObject({
      how: 'external',
      text: 'Put with plain wrangler.',
      valid: true,
      by: 'outside the ledger',
    })
  })

  it('copies the record to BACKUPS on the daily cron, and records nothing made around the ledger then', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {})
    await ledgerOf(env).seed('alice')
    await env.DISCLAIMERS.put('disclaimer:home', 'Put with plain wrangler before the copy.')
    const before = await listBackups(env.BACKUPS)
    const ctx = createExecutionContext()
    await new Site(ctx, env).scheduled(createScheduledController({ cron: BACKUP_CRON }))
    await waitOnExecutionContext(ctx)
    const after = await listBackups(env.BACKUPS)
    expect(after).toHaveLength(before.length + 1)
    const copy = after.find((entry) => !before.some((earlier) => earlier.key === entry.key))
    const text = (await (await env.BACKUPS.get(copy?.key as string))?.text()) as string
    expect(verifyExport(text)).toMatchObject({ ok: true, head: (await ledgerOf(env).read('head'))?.hash })
    const { versions } = await ledgerOf(env).read('history', 'home')
    expect(versions.some((version) => version.text === 'Put with plain wrangler before the copy.')).toBe(false)
  })

  it('makes no copy on the every-minute cron', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {})
    const before = await listBackups(env.BACKUPS)
    const ctx = createExecutionContext()
    await new Site(ctx, env).scheduled(createScheduledController({ cron: '* * * * *' }))
    await waitOnExecutionContext(ctx)
    expect(await listBackups(env.BACKUPS)).toEqual(before)
  })

  it('logs every problem with its settings when a cron runs, once per isolate', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const misconfigured = { ...env, OPERATORS_EMAIL: 'the cron team' }
    for (let run = 0; run < 2; run += 1) {
      const ctx = createExecutionContext()
      await new Site(ctx, misconfigured).scheduled(createScheduledController({ cron: '* * * * *' }))
      await waitOnExecutionContext(ctx)
    }
    expect(error.mock.calls).toEqual([
      [
        'configuration problem',
        { problem: expect.stringMatching(/^OPERATORS_EMAIL holds "the cron team", not an address/) },
      ],
    ])
  })
})
