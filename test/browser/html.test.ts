// Proves every page's HTML, the 404 included, passes the Nu Html Checker (vnu.jar) with zero errors and zero
// warnings. One JVM checks all pages at once; a known-bad canary file in the same run proves the checker reports.
import { describe, expect, it } from 'vitest'
import { NOT_FOUND_PATH, sharedSite } from './harness.ts'
import { checkHtml } from './nu-checker.ts'

const site = sharedSite()

describe('Nu Html Checker', () => {
  it('reports no error and no warning on any page', async () => {
    const documents: Record<string, string> = {}
    for (const path of [...site.pages, NOT_FOUND_PATH]) {
      const response = await fetch(site.at(path))
      expect(response.headers.get('content-type'), path).toBe('text/html; charset=UTF-8')
      documents[path] = await response.text()
    }
    const { problems, canaryErrors, infoNotes } = await checkHtml(documents)
    expect(canaryErrors, 'the canary page is reported: vnu ran and read the files').toBeGreaterThan(0)
    console.log(
      `vnu: ${Object.entries(problems)
        .map(([path, found]) => `${path} ${found.length}`)
        .join(', ')}; ${infoNotes} info notes`,
    )
    expect(problems).toEqual(Object.fromEntries(Object.keys(documents).map((path) => [path, []])))
  })
})
