import { describe, expect, it } from 'vitest'
import { benchVerifyPage } from '../../scripts/lib/bench-verify-page.ts'

describe('benchVerifyPage', () => {
  it('proves the page on every run and counts the page, the checkpoint, two bundles and the proofs’ tiles', async () => {
    const cost = await benchVerifyPage(1000, 2)
    expect(cost.runs).toBe(2)
    // Entries 400 and 900 of 1,000: bundles 1 and 3 (partial), and the tiles of their proofs, each fetched once.
    expect(cost.files).toEqual([
      'checkpoint',
      'tile/entries/001',
      'tile/0/001',
      'tile/1/000.p/3',
      'tile/0/003.p/232',
      'tile/entries/003.p/232',
    ])
    expect(cost.requests).toBe(7)
    expect(cost.verifyMs).toBeGreaterThan(0)
    expect(cost.pageMs).toBeGreaterThan(0)
  })
})
