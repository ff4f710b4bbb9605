// content/article/*.md → src/article/pages.generated.json: the Markdown is parsed and checked here, at build
// time, so the Worker ships HTML and neither `marked` nor the parsing costs anything at startup.
// Run by wrangler before every dev, deploy and dry-run ([build] in wrangler.toml), and by `npm run build:article`.
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildArticle, ContentError } from '../src/article/parse.ts'

const ROOT = new URL('..', import.meta.url).pathname
const CONTENT_DIR = 'content/article'
export const GENERATED_FILE = 'src/article/pages.generated.json'

/** The generated file's text for the Markdown files on disk; throws ContentError naming a bad file. */
export function renderArticle(root = ROOT): string {
  const files = readdirSync(join(root, CONTENT_DIR))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => ({ name: `${CONTENT_DIR}/${name}`, source: readFileSync(join(root, CONTENT_DIR, name), 'utf8') }))
  return `${JSON.stringify(buildArticle(files), null, 2)}\n`
}

function main() {
  let text: string
  try {
    text = renderArticle()
  } catch (error) {
    if (!(error instanceof ContentError)) throw error
    console.error(`build-article: ${error.message}\nNothing was written; fix the file named above and build again.`)
    process.exit(1)
  }
  const target = join(ROOT, GENERATED_FILE)
  let current = ''
  try {
    current = readFileSync(target, 'utf8')
  } catch {}
  if (current === text) return
  // Write beside it and rename, so a Worker build running at the same moment never reads half a file.
  writeFileSync(`${target}.${process.pid}.tmp`, text)
  renameSync(`${target}.${process.pid}.tmp`, target)
  console.log(`build-article: ${CONTENT_DIR} → ${GENERATED_FILE}`)
}

if (import.meta.main) main()
