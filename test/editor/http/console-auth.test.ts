import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { type Editors, editorsFrom } from '../../../src/core/editors.ts'
import { ledgerOf } from '../../../src/core/ledger-address.ts'
import {
  type ConsoleEnv,
  endSession,
  SESSION_COOKIE,
  sessionEditor,
  signInMethod,
  startSession,
} from '../../../src/editor/http/console-auth.ts'
import Site from '../../../src/index.ts'

const AUD = 'c0501e0a0d1e2c3e4a5b6c7d8e9f00112233445566778899aabbccddeeff0011'

describe('signInMethod', () => {
  it('is Access where a team domain and an audience are set and well formed, else a token where a session secret is', () => {
    expect(signInMethod({ ...env, ACCESS_TEAM_DOMAIN: 'https://team.test', ACCESS_AUD: AUD })).toBe('access')
    expect(signInMethod({ ...env, ACCESS_TEAM_DOMAIN: '', ACCESS_AUD: '' })).toBe('token')
  })

  it('is none without editors or a long enough session secret', () => {
    expect(signInMethod({ ...env, EDITORS: '' })).toBeUndefined()
    expect(signInMethod({ ...env, SESSION_SECRET: 'x'.repeat(31) })).toBeUndefined()
    expect(
      signInMethod({ ...env, ACCESS_TEAM_DOMAIN: 'https://team.test', ACCESS_AUD: '', SESSION_SECRET: '' }),
    ).toBeUndefined()
  })

  it.each([
    ['an audience that is not a tag', { ACCESS_TEAM_DOMAIN: 'https://team.test', ACCESS_AUD: 'aud' }],
    ['a team domain without https', { ACCESS_TEAM_DOMAIN: 'team.test', ACCESS_AUD: AUD }],
    ['a team domain with a trailing slash', { ACCESS_TEAM_DOMAIN: 'https://team.test/', ACCESS_AUD: AUD }],
    ['an audience without a team domain', { ACCESS_TEAM_DOMAIN: '', ACCESS_AUD: AUD }],
  ])('is none with %s, never falling back to tokens', (_, access) => {
    expect(signInMethod({ ...env, ...access })).toBeUndefined()
  })
})

describe('sessions', () => {
  const app = new Hono<ConsoleEnv>()
  app.get('/start/:editor', async (c) => {
    await startSession(c, c.req.param('editor'), (editorsFrom(c.env.EDITORS) as { editors: Editors }).editors)
    return c.text('ok')
  })
  app.get('/who', async (c) => c.text((await sessionEditor(c)) ?? 'nobody'))
  app.post('/sign-out/:editor', async (c) => {
    await endSession(c, c.req.param('editor'))
    return c.text('signed out')
  })

  async function cookieFor(editor: string) {
    const res = await app.request(`https://kratom.test/start/${editor}`, {}, env)
    return (res.headers.get('Set-Cookie') ?? '').split(';')[0] as string
  }

  it('names the editor a cookie was signed for', async () => {
    const cookie = await cookieFor('alice')
    expect(cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true)
    expect(await (await app.request('https://kratom.test/who', { headers: { Cookie: cookie } }, env)).text()).toBe(
      'alice',
    )
  })

  it('names nobody once the editor is no longer in EDITORS, or for a cookie signed with another secret', async () => {
    const cookie = await cookieFor('carol')
    const withoutCarol = JSON.stringify(
      Object.fromEntries(Object.entries(JSON.parse(env.EDITORS)).filter(([name]) => name !== 'carol')),
    )
    const who = (bindings: Partial<Env>) =>
      app.request('https://kratom.test/who', { headers: { Cookie: cookie } }, { ...env, ...bindings })
    expect(await (await who({ EDITORS: withoutCarol })).text()).toBe('nobody')
    expect(await (await who({ SESSION_SECRET: 'another-secret-of-at-least-32-characters' })).text()).toBe('nobody')
  })

  const who = (cookie: string, bindings: Partial<Env> = {}) =>
    app.request('https://kratom.test/who', { headers: { Cookie: cookie } }, { ...env, ...bindings })

  it('ends every session of an editor when they sign out, a copy of the cookie taken before included', async () => {
    const kept = await cookieFor('editor-05')
    const other = await cookieFor('editor-06')
    expect(await (await who(kept)).text()).toBe('editor-05')
    await app.request('https://kratom.test/sign-out/editor-05', { method: 'POST', headers: { Cookie: kept } }, env)
    expect(await (await who(kept)).text()).toBe('nobody')
    expect(await (await who(other)).text()).toBe('editor-06')
    // Signing in again afterwards gives a session that works.
    await scheduler.wait(2)
    expect(await (await who(await cookieFor('editor-05'))).text()).toBe('editor-05')
  })

  it('ends the sessions an old token opened once the editor has a new token', async () => {
    const cookie = await cookieFor('editor-07')
    const editors = JSON.parse(env.EDITORS) as Record<string, string>
    const rotated = JSON.stringify({ ...editors, 'editor-07': `sha256:${'0'.repeat(64)}` })
    expect(await (await who(cookie)).text()).toBe('editor-07')
    expect(await (await who(cookie, { EDITORS: rotated })).text()).toBe('nobody')
  })

  it('ends an editor’s sessions for good once they are removed, though they come back with the same token', async () => {
    const cookie = await cookieFor('editor-09')
    const editors = JSON.parse(env.EDITORS) as Record<string, string>
    const { 'editor-09': _, ...without } = editors
    expect(await (await who(cookie)).text()).toBe('editor-09')
    expect(await (await who(cookie, { EDITORS: JSON.stringify(without) })).text()).toBe('nobody')
    expect(await (await who(cookie)).text()).toBe('nobody')
    await scheduler.wait(2)
    expect(await (await who(await cookieFor('editor-09'))).text()).toBe('editor-09')
  })

  it('ends them for good when only the cron saw the removal, nobody using the console meanwhile', async () => {
    const cookie = await cookieFor('editor-10')
    const editors = JSON.parse(env.EDITORS) as Record<string, string>
    const { 'editor-10': _, ...without } = editors
    const ctx = createExecutionContext()
    await new Site(ctx, { ...env, EDITORS: JSON.stringify(without) }).scheduled(
      createScheduledController({ cron: '* * * * *' }),
    )
    await waitOnExecutionContext(ctx)
    expect(await (await who(cookie)).text()).toBe('nobody')
  })

  it('keeps the cut-off in the ledger, where every isolate reads it', async () => {
    const cookie = await cookieFor('editor-08')
    await ledgerOf(env).endSessions('editor-08')
    expect(await (await who(cookie)).text()).toBe('nobody')
  })
})
