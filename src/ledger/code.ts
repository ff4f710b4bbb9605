// The ledger's code, as its object (object.ts) loads it on the object's first start: the visitor's isolate runs the
// same bundle and never evaluates it (measured: it would add 6 % to the visitor's startup CPU).
export { changeDraft, discardDraft, startDraft } from './drafts.ts'
export { ENFORCED_REVIEW_RULES } from './enforced-review-rules.ts'
export { Ledger } from './ledger.ts'
export { sendingNotifier } from './notify/send.ts'
export { observePages } from './page-contents.ts'
export { proposeChange, rejectChange } from './proposals.ts'
export { approve, publish, rollback, seed } from './publishing.ts'
export { READS } from './reads.ts'
export { attest, flushReview } from './reviews.ts'
export { cancelSchedule } from './scheduling.ts'
export { endSessions, isGrants, observeGrants, sessionCutoff } from './sessions.ts'
export { reconcile } from './side-doors.ts'
