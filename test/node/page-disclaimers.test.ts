import { describe, expect, it } from 'vitest'
import { matchText, readPage, visibleText } from '../../scripts/lib/page-disclaimers.ts'

const PAGE = `<!doctype html><html lang="en"><head><title>Dosage</title>
<link rel="canonical" href="https://example.org/dosage-and-safety"><script>var x = "<p>not a box</p>"</script></head>
<body><main><h1>Dosage</h1>
<div class="disclaimer" role="note" aria-labelledby="d1" data-disclaimer="disclaimer:global" data-disclaimer-version="v12"
  data-disclaimer-hash="abc" data-log-index="37"><p class="disclaimer-title" id="d1">Medical disclaimer</p>
<p>This is not   medical
advice &amp; never was.</p><p>Ask a doctor &lt;first&gt;.</p></div>
<p>Body text.</p>
<div class="disclaimer" role="note" data-disclaimer="disclaimer:page:dosage-and-safety" data-disclaimer-version="default">
<p class="disclaimer-title">About dosage</p><p>Start low.<span hidden>secret</span></p><p>Go slow.<br>Always.</p></div>
</main></body></html>`

describe('readPage', () => {
  it('reads each box’s title, paragraphs as a visitor reads them, version and log entry, and the canonical URL', () => {
    expect(readPage(PAGE)).toEqual({
      canonical: 'https://example.org/dosage-and-safety',
      boxes: [
        {
          number: 1,
          key: 'disclaimer:global',
          version: 'v12',
          logIndex: '37',
          title: 'Medical disclaimer',
          paragraphs: ['This is not medical advice & never was.', 'Ask a doctor <first>.'],
        },
        {
          number: 2,
          key: 'disclaimer:page:dosage-and-safety',
          version: 'default',
          logIndex: null,
          title: 'About dosage',
          paragraphs: ['Start low.', 'Go slow. Always.'],
        },
      ],
    })
  })

  it('counts text outside the box’s paragraphs as text the visitor reads', () => {
    const html =
      '<div data-disclaimer-version="v1"><p class="disclaimer-title">T</p>Loose words<p>One.</p><b>Two.</b></div>'
    expect(readPage(html).boxes[0]?.paragraphs).toEqual(['Loose words', 'One.', 'Two.'])
  })

  it('finds no box on a page without one', () => {
    expect(readPage('<p>nothing here</p>')).toEqual({ boxes: [], canonical: null })
  })
})

describe('visibleText', () => {
  it('leaves out scripts, styles, templates and hidden elements', () => {
    const html = '<div>a<script>b</script><style>c</style><template>d</template><span hidden>e</span> f</div>'
    const box = readPage(`<div data-disclaimer-version="v1">${html}</div>`).boxes[0]
    expect(box?.paragraphs).toEqual(['a f'])
    expect(visibleText({ nodeName: '#text', value: '  x \n y ' } as never)).toBe('x y')
  })
})

describe('matchText', () => {
  const box = { paragraphs: ['This is not medical advice & never was.', 'Ask a doctor <first>.'] }

  it('holds for the text the site renders into those paragraphs', () => {
    expect(matchText(box, 'This is not medical\nadvice & never was.  \n\n  Ask a doctor <first>.\n')).toEqual({
      ok: true,
    })
  })

  it('names the first paragraph that differs, as the page and the entry have it', () => {
    expect(matchText(box, 'This is not medical advice & never was.\n\nAsk a doctor first.')).toEqual({
      ok: false,
      problem: 'paragraph 2 differs: the page reads "Ask a doctor <first>.", the entry "Ask a doctor first."',
    })
    expect(matchText(box, 'This is not medical advice & never was.')).toEqual({
      ok: false,
      problem: 'the page adds paragraph 2: "Ask a doctor <first>."',
    })
    expect(matchText(box, `${box.paragraphs.join('\n\n')}\n\nThird.`)).toEqual({
      ok: false,
      problem: 'the page lacks paragraph 3: "Third."',
    })
  })

  it('refuses a text the rule refuses, which no page shows', () => {
    expect(matchText(box, '   ')).toEqual({
      ok: false,
      problem:
        "the entry's text breaks the rule, so no page shows it: the disclaimer is empty; write at least one sentence",
    })
  })
})
