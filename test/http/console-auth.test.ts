import { env } from 'cloudflare:workers'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import {
  type ConsoleEnv,
  SESSION_COOKIE,
  sessionEditor,
  signInMethod,
  startSession,
} from '../../src/http/console-auth.ts'

describe('signInMethod', () => {
  it('is Access where a team domain and an audience are configured, else a token where a session secret is', () => {
    expect(signInMethod({ ...env, ACCESS_TEAM_DOMAIN: 'https://team.test', ACCESS_AUD: 'aud' })).toBe('access')
    expect(signInMethod({ ...env, ACCESS_TEAM_DOMAIN: '', ACCESS_AUD: '' })).toBe('token')
  })

  it('is none, so the console does not exist, without editors or a long enough session secret', () => {
    expect(signInMethod({ ...env, EDITORS: '' })).toBeUndefined()
    expect(signInMethod({ ...env, SESSION_SECRET: 'x'.repeat(31) })).toBeUndefined()
    expect(
      signInMethod({ ...env, ACCESS_TEAM_DOMAIN: 'https://team.test', ACCESS_AUD: '', SESSION_SECRET: '' }),
    ).toBeUndefined()
  })
})

describe('sessions', () => {
  const app = new Hono<ConsoleEnv>()
  app.get('/start/:editor', async (c) => {
    await startSession(c, c.req.param('editor'))
    return c.text('ok')
  })
  app.get('/who', async (c) => c.text((await sessionEditor(c)) ?? 'nobody'))

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
})
