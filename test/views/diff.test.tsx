import { describe, expect, it } from 'vitest'
import { Diff } from '../../src/views/diff.tsx'

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
