// The rules the ledger object enforces: the bundled content/review-rules.json. The workers tests load a stand-in that
// names no disclaimer (vitest.config.ts), so tests of other rules need no reviewer; the reviewer rule's own tests set
// the ledger's `reviewRules` seam to these rules.
export { REVIEW_RULES as ENFORCED_REVIEW_RULES } from '../core/review-rules.ts'
