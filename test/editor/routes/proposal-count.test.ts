import { reset } from 'cloudflare:test'
import { beforeEach, describe, expect, it } from 'vitest'
import { bearer } from '../../fixtures/editors.ts'
import { request } from '../../helpers.ts'
import { openProposal, rowsTouched, theLedger } from '../../ledger/helpers.ts'

beforeEach(async () => {
  await reset()
})

function count(editor: 'alice' | 'bob') {
  return request('/admin/proposals/count', { headers: bearer(editor) })
}

describe('GET /admin/proposals/count', () => {
  it('counts the proposals waiting for a decision per disclaimer, and those another editor made', async () => {
    await openProposal({ target: 'global', text: 'By alice.', base: 0, by: 'alice' })
    await openProposal({ target: 'global', text: 'By bob.', base: 0, by: 'bob' })
    const decided = await openProposal({ target: 'conclusion', text: 'Rejected.', base: 0, by: 'alice' })
    await theLedger().reject({ id: decided.id, by: 'bob', reason: 'not this' })
    await openProposal({ target: 'home', text: 'By alice, for home.', base: 0, by: 'alice' })

    const res = await count('bob')

    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      open: 3,
      byOthers: 2,
      targets: [
        { target: 'global', open: 2, byOthers: 1 },
        { target: 'home', open: 1, byOthers: 1 },
      ],
    })
    expect(await (await count('alice')).json()).toMatchObject({ open: 3, byOthers: 1 })
  }, 20_000)

  it('reads the open proposals only, however many were decided before', async () => {
    await openProposal({ target: 'global', text: 'Still open.', base: 0, by: 'alice' })
    // The first request also sees bob's grant for the first time (sessions.ts); the count is measured after it.
    await count('bob')
    const alone = await rowsTouched(() => count('bob'))
    for (let index = 0; index < 5; index++) {
      const decided = await openProposal({ target: 'home', text: `Rejected ${index}.`, base: 0, by: 'alice' })
      await theLedger().reject({ id: decided.id, by: 'bob', reason: 'not this' })
    }

    const after = await rowsTouched(() => count('bob'))

    expect(after.read).toBe(alone.read)
    expect(after.written).toBe(0)
    expect(await (await count('bob')).json()).toEqual({
      open: 1,
      byOthers: 1,
      targets: [{ target: 'global', open: 1, byOthers: 1 }],
    })
  })
})
