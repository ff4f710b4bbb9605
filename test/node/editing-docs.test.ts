// docs/editing.md says what the console does with times: the history's "what was live at" is read in the site's zone,
// as the form's label says (src/editor/views/history.tsx), and no console time is said to be in UTC.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../scripts/lib/serve-bundle.ts'

const EDITING = readFileSync(join(PROJECT_ROOT, 'docs/editing.md'), 'utf8')
const CONSOLE = EDITING.slice(EDITING.indexOf('## The editor console'), EDITING.indexOf('## The CLI'))
const FORM = readFileSync(join(PROJECT_ROOT, 'src/editor/views/history.tsx'), 'utf8')

describe('docs/editing.md', () => {
  it('says “what was live at” is typed in the site’s zone, as the history’s form reads it', () => {
    expect(FORM).toContain('What was live at ({zone} time)')
    const history = (/- \*\*History\*\*[^\n]*(?:\n {2}[^\n]*)*/.exec(CONSOLE)?.[0] ?? '').replace(/\s+/g, ' ')
    expect(history).toContain('"what was live at" a time (typed in `SITE_TIME_ZONE`')
    expect(history).not.toContain('UTC')
  })

  it('says every console time is shown in the site’s zone, and none in UTC', () => {
    expect(CONSOLE).toContain('Every time is shown in `SITE_TIME_ZONE` with its offset')
    expect(CONSOLE).not.toMatch(/(?:given|shown) in UTC/)
  })
})
