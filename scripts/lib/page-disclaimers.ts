// A page's disclaimer boxes as a visitor reads them: parsed as a browser parses HTML (parse5), each box's title
// and paragraphs as text (entities decoded, whitespace collapsed, nothing hidden counted), and the ledger version
// and log entry it names; and whether a disclaimer text from the log is what a box shows.
import { type DefaultTreeAdapterTypes, parse } from 'parse5'
import { validateDisclaimer } from '../../src/core/validate.ts'

type Node = DefaultTreeAdapterTypes.Node
type Element = DefaultTreeAdapterTypes.Element

export interface PageBox {
  /** From 1, in the page's order. */
  number: number
  /** `data-disclaimer`: the KV key of the disclaimer it shows. */
  key: string | null
  /** `data-disclaimer-version`: `v<n>` for a ledger version, `default` or `unrecorded` otherwise. */
  version: string | null
  /** `data-log-index` as written, or null when the box names no log entry. */
  logIndex: string | null
  title: string
  paragraphs: string[]
}

export interface ReadPage {
  boxes: PageBox[]
  /** The page's `<link rel="canonical">`, when it has one. */
  canonical: string | null
}

const UNREAD = new Set(['script', 'style', 'template', 'noscript', 'head'])

function attribute(element: Element, name: string): string | null {
  return element.attrs.find((attr) => attr.name === name)?.value ?? null
}

function isElement(node: Node): node is Element {
  return 'tagName' in node
}

function children(node: Node): Node[] {
  const own = 'childNodes' in node ? node.childNodes : []
  return node.nodeName === 'template' ? [] : own
}

function* walk(node: Node): Generator<Element> {
  for (const child of children(node)) {
    if (!isElement(child)) continue
    yield child
    yield* walk(child)
  }
}

/** The text a visitor reads in `node`: text nodes, less what a browser never shows; HTML whitespace collapsed. */
export function visibleText(node: Node): string {
  const parts: string[] = []
  const visit = (at: Node) => {
    if (at.nodeName === '#text') parts.push((at as DefaultTreeAdapterTypes.TextNode).value)
    if (isElement(at) && (UNREAD.has(at.tagName) || attribute(at, 'hidden') !== null)) return
    if (isElement(at) && at.tagName === 'br') parts.push(' ')
    for (const child of children(at)) visit(child)
  }
  visit(node)
  return parts
    .join('')
    .replace(/[\t\n\f\r ]+/g, ' ')
    .trim()
}

/** The boxes (elements with `data-disclaimer-version`) in `html`, and its canonical URL. */
export function readPage(html: string): ReadPage {
  const document = parse(html)
  const boxes: PageBox[] = []
  let canonical: string | null = null
  for (const element of walk(document)) {
    if (element.tagName === 'link' && attribute(element, 'rel')?.toLowerCase().split(/\s+/).includes('canonical')) {
      canonical ??= attribute(element, 'href')
    }
    if (attribute(element, 'data-disclaimer-version') === null) continue
    let title = ''
    const paragraphs: string[] = []
    for (const child of element.childNodes) {
      if (isElement(child) && attribute(child, 'class')?.split(/\s+/).includes('disclaimer-title') && !title) {
        title = visibleText(child)
        continue
      }
      // The line naming the log entry is the page's, not the disclaimer's text.
      if (isElement(child) && attribute(child, 'class')?.split(/\s+/).includes('disclaimer-entry')) continue
      const text = visibleText(child)
      if (text) paragraphs.push(text)
    }
    boxes.push({
      number: boxes.length + 1,
      key: attribute(element, 'data-disclaimer'),
      version: attribute(element, 'data-disclaimer-version'),
      logIndex: attribute(element, 'data-log-index'),
      title,
      paragraphs,
    })
  }
  return { boxes, canonical }
}

export type TextMatch = { ok: true } | { ok: false; problem: string }

function shown(text: string): string {
  const quoted = JSON.stringify(text)
  return quoted.length > 122 ? `${quoted.slice(0, 120)}…"` : quoted
}

/**
 * Whether a box shows `text` as the site renders a disclaimer (the rule's paragraphs, src/core/validate.ts); if
 * not, the first paragraph that differs, as the page and as the text have it.
 */
export function matchText(box: Pick<PageBox, 'paragraphs'>, text: string): TextMatch {
  const checked = validateDisclaimer(text)
  if (!checked.ok)
    return { ok: false, problem: `the entry's text breaks the rule, so no page shows it: ${checked.reason}` }
  const expected = checked.paragraphs.map((paragraph) => paragraph.trim())
  const page = box.paragraphs
  for (let i = 0; i < Math.max(expected.length, page.length); i++) {
    if (page[i] === expected[i]) continue
    const number = i + 1
    if (page[i] === undefined)
      return { ok: false, problem: `the page lacks paragraph ${number}: ${shown(expected[i] as string)}` }
    if (expected[i] === undefined)
      return { ok: false, problem: `the page adds paragraph ${number}: ${shown(page[i] as string)}` }
    return {
      ok: false,
      problem: `paragraph ${number} differs: the page reads ${shown(page[i] as string)}, the entry ${shown(expected[i] as string)}`,
    }
  }
  return { ok: true }
}
