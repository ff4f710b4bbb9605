// The copy of the record kept outside the Durable Object: the whole export (JSON Lines, the lines
// `npm run disclaimer -- verify` checks), written to an R2 bucket once a day and before a restore, and every copy
// older than BACKUP_RETENTION_DAYS deleted once a newer one has landed.
import { type ExportEnd, type ExportPage, exportLines } from './chain.ts'
import { ledgerOf } from './ledger-address.ts'

/** Every copy's key starts with this; the rest is when it was made (`ledger/2026-12-01T03-17-00Z.jsonl`). */
export const BACKUP_PREFIX = 'ledger/'
/** How long a copy is kept: longer than the 30 days point-in-time recovery reaches back. */
export const BACKUP_RETENTION_DAYS = 90
/** R2 takes a multipart upload's parts at one size, at least 5 MiB, but the last; a smaller copy is one put. */
export const PART_BYTES = 8 * 1024 * 1024
/** At most this many pages of 1,000 keys are listed when old copies are looked for (90 days make ~100 keys). */
const MAX_LIST_PAGES = 20

export interface Backup {
  key: string
  bytes: number
  rows: number
  head: string | null
  exportedAt: string
}

/** The key a copy made at `at` is kept under; `label` tells a copy made for a reason apart (`pre-restore`). */
export function backupKey(at: Date, label?: string): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll(':', '-')
  return `${BACKUP_PREFIX}${stamp}${label ? `-${label}` : ''}.jsonl`
}

function joined(chunks: Uint8Array[], bytes: number): Uint8Array {
  const whole = new Uint8Array(bytes)
  let offset = 0
  for (const chunk of chunks) {
    whole.set(chunk, offset)
    offset += chunk.length
  }
  return whole
}

/**
 * Writes the whole record to `bucket` as one object, page by page from `pageAfter` (the ledger's export): in one put
 * when it is smaller than `partBytes`, else in parts of exactly `partBytes`, so memory holds about two parts whatever
 * the record's size. An upload that fails is aborted, leaving no partial copy.
 */
export async function writeBackup(
  bucket: R2Bucket,
  pageAfter: (after: number) => Promise<ExportPage>,
  { now = new Date(), label, partBytes = PART_BYTES }: { now?: Date; label?: string; partBytes?: number } = {},
): Promise<Backup> {
  const key = backupKey(now, label)
  const options = { httpMetadata: { contentType: 'application/jsonl; charset=utf-8' } }
  const encoder = new TextEncoder()
  let pending: Uint8Array[] = []
  let pendingBytes = 0
  let bytes = 0
  let last = ''
  let upload: R2MultipartUpload | undefined
  const parts: R2UploadedPart[] = []
  try {
    for await (const line of exportLines(pageAfter)) {
      const encoded = encoder.encode(line)
      pending.push(encoded)
      pendingBytes += encoded.length
      bytes += encoded.length
      last = line
      while (pendingBytes >= partBytes) {
        const all = joined(pending, pendingBytes)
        upload ??= await bucket.createMultipartUpload(key, options)
        parts.push(await upload.uploadPart(parts.length + 1, all.slice(0, partBytes)))
        pending = [all.slice(partBytes)]
        pendingBytes -= partBytes
      }
    }
    const rest = joined(pending, pendingBytes)
    if (upload) {
      if (pendingBytes > 0) parts.push(await upload.uploadPart(parts.length + 1, rest))
      await upload.complete(parts)
    } else {
      await bucket.put(key, rest, options)
    }
  } catch (error) {
    await upload?.abort().catch(() => {})
    throw error
  }
  const end = JSON.parse(last) as ExportEnd
  return { key, bytes, rows: end.rows, head: end.head, exportedAt: end.exportedAt }
}

/** The copies in `bucket`, oldest first, up to MAX_LIST_PAGES pages of keys. */
export async function listBackups(bucket: R2Bucket): Promise<{ key: string; bytes: number; uploaded: string }[]> {
  const found: { key: string; bytes: number; uploaded: string }[] = []
  let cursor: string | undefined
  for (let page = 0; page < MAX_LIST_PAGES; page += 1) {
    const listed = await bucket.list({ prefix: BACKUP_PREFIX, cursor })
    for (const object of listed.objects) {
      found.push({ key: object.key, bytes: object.size, uploaded: object.uploaded.toISOString() })
    }
    if (!listed.truncated) break
    cursor = listed.cursor
  }
  return found.sort((a, b) => a.key.localeCompare(b.key))
}

/**
 * Deletes every copy uploaded more than `retentionDays` before `now`, but never the newest one, so a job that stopped
 * making copies never deletes the last it made. Returns the deleted keys.
 */
export async function pruneBackups(
  bucket: R2Bucket,
  now: Date,
  retentionDays = BACKUP_RETENTION_DAYS,
): Promise<string[]> {
  const copies = await listBackups(bucket)
  const cutoff = now.getTime() - retentionDays * 86_400_000
  const newest = copies.reduce<string | undefined>(
    (latest, copy) => (latest === undefined || copy.uploaded >= latest ? copy.uploaded : latest),
    undefined,
  )
  const old = copies
    .filter((copy) => Date.parse(copy.uploaded) < cutoff && copy.uploaded !== newest)
    .map((copy) => copy.key)
  for (let start = 0; start < old.length; start += 1000) await bucket.delete(old.slice(start, start + 1000))
  return old
}

/**
 * Copies the ledger's whole record to the BACKUPS bucket, then deletes the copies past their time: what the daily
 * cron and `POST /admin/backups` run.
 */
export async function backUpLedger(
  env: Pick<Env, 'BACKUPS' | 'LEDGER'>,
  options: { now?: Date; label?: string } = {},
): Promise<{ backup: Backup; deleted: string[] }> {
  const ledger = ledgerOf(env as Env)
  const backup = await writeBackup(env.BACKUPS, (after) => ledger.read('exportPage', { after, limit: 1000 }), options)
  const deleted = await pruneBackups(env.BACKUPS, options.now ?? new Date())
  return { backup, deleted }
}
