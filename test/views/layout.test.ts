import { describe, expect, it } from 'vitest'
import { PAGES } from '../../src/article/index.ts'
import { request } from '../helpers.ts'

describe('the page footer', () => {
  it('spells out the review date of every page in English', async () => {
    for (const page of PAGES) {
      const html = await (await request(page.path)).text()
      const [year, month, day] = page.lastReviewed.split('-').map(Number)
      const expected = new Date(Date.UTC(year as number, (month as number) - 1, day)).toLocaleDateString('en-US', {
        year: 'numeric',
        month: 'long',
        day: 'numeric',
        timeZone: 'UTC',
      })
      expect(html).toContain(`Last reviewed <time datetime="${page.lastReviewed}">${expected}</time>`)
    }
  })
})
