import { describe, expect, it } from 'vitest'
import { Diff } from '../../../src/editor/views/diff.tsx'

async function html(before: string, after: string) {
  return (await (<Diff before={before} after={after} label="v1 → draft" />).toString()) as string
}

describe('Diff', () => {
  it('marks deleted and inserted words in text as well as with del and ins', async () => {
    const out = await html('Ask a doctor first.', 'Ask a healthcare provider first.')
    expect(out).toContain('<figcaption>v1 → draft</figcaption>')
    expect(out).toContain('<del>[deleted: doctor]</del>')
    expect(out).toContain('<ins>[inserted: healthcare provider]</ins>')
    expect(out).toMatch(/Ask a .*first\./)
  })

  it('says when nothing changed', async () => {
    expect(await html('Same.', 'Same.')).toContain('No change: the two texts are the same.')
  })

  it('escapes the texts it compares', async () => {
    const out = await html('<b>old</b>', '<script>alert(1)</script>')
    expect(out).not.toMatch(/<script|<b>|<\/b>/)
    expect(out).toContain('alert(1)')
    expect(out.match(/&lt;/g)?.length).toBeGreaterThanOrEqual(2)
  })
})

describe('Diff of texts too different to compare word by word', () => {
  it('says so and shows the whole of one replacing the other', async () => {
    const before = Array.from({ length: 300 }, (_, index) => `a${index}`).join(' ')
    const after = Array.from({ length: 300 }, (_, index) => `b${index}`).join(' ')
    const out = await html(before, after)
    expect(out).toContain('differ in more than 200 places')
    expect(out).toContain(`<del>[deleted: ${before}]</del>`)
    expect(out).toContain(`<ins>[inserted: ${after}]</ins>`)
  })
})
