// What every console route shares: rendering a page in the console's shell, and checking a query string.
import { sValidator } from '@hono/standard-validator'
import type { Context } from 'hono'
import type { Child } from 'hono/jsx'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type * as v from 'valibot'
import type { ReadDisclaimers } from '../../../site/reader.ts'
import { backgroundOf, NO_PAGE_SLUGS, toHtml } from '../../../site/routes/pages.tsx'
import { type ConsoleEnv, signInMethod } from '../../http/console-auth.ts'
import { ConsoleShell, Notice } from '../../views/shell.tsx'

export type RenderPage = (
  c: Context<ConsoleEnv>,
  title: string,
  body: Child,
  status?: ContentfulStatusCode,
) => Promise<Response>

/** Renders console pages with the site's disclaimer, read as pages read it (so an editor sees what visitors see). */
export function consolePages(readDisclaimers: ReadDisclaimers): RenderPage {
  return async (c, title, body, status = 200) => {
    const disclaimers = await readDisclaimers(c.env, NO_PAGE_SLUGS, backgroundOf(c))
    const html = await toHtml(
      <ConsoleShell
        path={c.req.path}
        title={title}
        editor={c.get('editor')}
        disclaimers={disclaimers}
        canSignOut={signInMethod(c.env) === 'token'}
      >
        {body}
      </ConsoleShell>,
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
