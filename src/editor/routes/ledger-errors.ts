// How the admin API answers the ledger's refusals: each code's status, and the JSON error body with its extras.
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { LedgerError, LedgerErrorCode } from '../../core/ledger-types.ts'
import { errorJson } from '../../site/http/errors.ts'

export const ERROR_STATUS: Record<LedgerErrorCode, ContentfulStatusCode> = {
  unknown_target: 404,
  unknown_editor: 403,
  invalid_text: 422,
  invalid_base: 400,
  version_mismatch: 412,
  approval_required: 403,
  self_approval: 403,
  unknown_proposal: 404,
  proposal_decided: 409,
  already_approved: 409,
  unknown_version: 404,
  never_live: 422,
  invalid_time: 422,
  schedule_conflict: 409,
  unknown_schedule: 404,
  schedule_ended: 409,
  schema_ahead: 503,
  reviewer_required: 403,
  unknown_page: 404,
  words_changed: 409,
}

export function ledgerError(c: Context, error: LedgerError) {
  const { code, message, ok: _, ...extra } = error
  return errorJson(c, ERROR_STATUS[code], code, message, extra)
}
