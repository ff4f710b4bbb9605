// Page names the article, the routes and the disclaimer targets share; no dependencies, so the Worker can import it.

export const HOME_SLUG = 'home'
export const FULL_ARTICLE_SLUG = 'full-article'
/** Taken by routes of the site or by disclaimer targets, so no page may use them. */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([FULL_ARTICLE_SLUG, 'admin', 'api', 'console', 'global'])
