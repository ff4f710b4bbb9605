// What every console route shares: rendering a page in the console's frame, and checking a query string.
import { sValidator } from '@hono/standard-validator'
import type { Context } from 'hono'
import type { Child } from 'hono/jsx'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type * as v from 'valibot'
import { logSettingsProblems, settingsProblems } from '../../../core/settings.ts'
import { toHtml } from '../../../site/routes/pages.tsx'
import { type ConsoleEnv, signInMethod } from '../../http/console-auth.ts'
import { ConsoleFrame, Notice } from '../../views/shell.tsx'

/**
 * Rows on a page of the console's long lists (a disclaimer's versions, who was told): about what a screen shows, with
 * the pager for older ones. The admin API's pages keep their own documented `limit`.
 */
export const CONSOLE_PAGE = 25

export type RenderPage = (
  c: Context<ConsoleEnv>,
  title: string,
  body: Child,
  status?: ContentfulStatusCode,
) => Promise<Response>

/**
 * Renders console pages in the console's own frame, naming the signed-in editor, who also sees every problem with
 * the site's settings (each logged once).
 */
export function consolePages(): RenderPage {
  return async (c, title, body, status = 200) => {
    const editor = c.get('editor')
    const problems = editor ? settingsProblems(c.env) : []
    logSettingsProblems(problems)
    const html = await toHtml(
      <ConsoleFrame
        path={c.req.path}
        title={title}
        editor={editor}
        canSignOut={signInMethod(c.env) === 'token'}
        settingsProblems={problems}
      >
        {body}
      </ConsoleFrame>,
    )
    return c.html(html, status)
  }
}

/** Checks a console page's query string: a 400 page naming the parameter at fault, or the values. */
export function pageQuery<Schema extends v.GenericSchema>(page: RenderPage, schema: Schema) {
  return sValidator('query', schema, (result, c) => {
    if (!result.success) {
      const problem = result.error[0]?.message ?? 'the address is not valid'
      return page(c as Context<ConsoleEnv>, 'Not a page of the console', <Notice>{problem}</Notice>, 400)
    }
  })
}
