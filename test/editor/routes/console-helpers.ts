// What the console's route tests share: signing in on the form, same-origin form posts, and reading the ledger's
// state through the admin API.
import { expect } from 'vitest'
import { TEST_EDITORS, type TestEditor } from '../../fixtures/editors.ts'
import { request } from '../../helpers.ts'

/** Signs in with a token on the form, as an editor does locally; returns the session cookie. */
export async function signIn(editor: TestEditor): Promise<string> {
  const res = await request('/console/sign-in', form({ token: TEST_EDITORS[editor].token }))
  expect(res.status).toBe(303)
  return (res.headers.get('Set-Cookie') ?? '').split(';')[0] as string
}

/** A same-origin form post, as a browser sends it. */
export function form(fields: Record<string, string>, cookie?: string): RequestInit {
  return {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: 'https://kratom.test',
      'Sec-Fetch-Site': 'same-origin',
      ...(cookie ? { Cookie: cookie } : {}),
    },
    body: new URLSearchParams(fields).toString(),
  }
}

export function get(path: string, cookie: string) {
  return request(path, { headers: { Cookie: cookie } })
}

/** What an edit made now would name as its base: the version pages show, or a token for an unrecorded text. */
export async function currentBase(target: string): Promise<string> {
  const { base } = (await (
    await request(`/admin/disclaimers/${target}`, { headers: { Authorization: `Bearer ${TEST_EDITORS.carol.token}` } })
  ).json()) as { base: string }
  return base
}

export async function versionCount(target: string): Promise<number> {
  const { versions } = (await (
    await request(`/admin/disclaimers/${target}/history`, {
      headers: { Authorization: `Bearer ${TEST_EDITORS.carol.token}` },
    })
  ).json()) as { versions: unknown[] }
  return versions.length
}

/**
 * Saves a draft from the fresh edit form (its base is what pages show now) and follows the 303; returns where it
 * led and the draft's address (`/console/disclaimers/<target>/drafts/<id>`).
 */
export async function saveDraft(target: string, text: string, cookie: string, note = '') {
  const base = await currentBase(target)
  const res = await request(`/console/disclaimers/${target}/drafts`, form({ base, text, note }, cookie))
  expect(res.status).toBe(303)
  const location = res.headers.get('Location') as string
  const draft = /^(\/console\/disclaimers\/[a-z-]+\/drafts\/[0-9a-f]{24})/.exec(location)?.[1]
  return { location, draft: draft ?? '', base }
}

/** Sends a reviewed draft (publish or propose) naming the schedules its review showed; returns the 303's target. */
export async function send(
  draft: string,
  kind: 'publish' | 'propose',
  cookie: string,
  fields: Record<string, string> = {},
) {
  const review = await (await get(`${draft}/review`, cookie)).text()
  const seen = /name="seen" value="([0-9,]*)"/.exec(review)?.[1] ?? ''
  const res = await request(`${draft}/${kind}`, form({ seen, effective: '', ...fields }, cookie))
  expect(res.status).toBe(303)
  return res.headers.get('Location') as string
}
