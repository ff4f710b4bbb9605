import { BUNDLED_DISCLAIMERS } from '../disclaimer/read.ts'
import { ErrorPage } from './pages.tsx'

// Rendered once per isolate with the bundled disclaimer, so that showing it can never fail or touch KV.
export const errorPageHtml = `<!DOCTYPE html>${await (<ErrorPage disclaimers={BUNDLED_DISCLAIMERS} />).toString()}`
