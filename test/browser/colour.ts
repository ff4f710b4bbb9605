// WCAG 2 contrast between computed CSS colours (the `rgb()`/`rgba()` strings getComputedStyle returns).

export interface Rgba {
  r: number
  g: number
  b: number
  a: number
}

export function parseColour(css: string): Rgba {
  const match = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(css.trim())
  if (!match) throw new Error(`not an rgb() colour: ${css}`)
  const alpha =
    match[4] === undefined ? 1 : match[4].endsWith('%') ? Number.parseFloat(match[4]) / 100 : Number(match[4])
  return { r: Number(match[1]), g: Number(match[2]), b: Number(match[3]), a: alpha }
}

function channel(value: number): number {
  const c = value / 255
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
}

export function luminance(colour: Rgba): number {
  return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)
}

/** Contrast ratio of text over an opaque background (a translucent text colour is blended over it first). */
export function contrast(foreground: string, background: string): number {
  const bg = parseColour(background)
  if (bg.a !== 1) throw new Error(`background ${background} is not opaque`)
  const fg = parseColour(foreground)
  const blend = (f: number, b: number) => f * fg.a + b * (1 - fg.a)
  const text = { r: blend(fg.r, bg.r), g: blend(fg.g, bg.g), b: blend(fg.b, bg.b), a: 1 }
  const [light, dark] = [luminance(text), luminance(bg)].sort((x, y) => y - x) as [number, number]
  return (light + 0.05) / (dark + 0.05)
}
