// The copy of the record in R2, under Miniflare's local R2: it lands whole, in one put or in parts of one size, and
// verifies as an export; a failed upload leaves nothing; copies past their time go, the newest never.
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  BACKUP_PREFIX,
  BACKUP_RETENTION_DAYS,
  backUpLedger,
  backupKey,
  listBackups,
  pruneBackups,
  writeBackup,
} from '../../src/core/backups.ts'
import { type ChainEntry, chainHash, type ExportPage, GENESIS, verifyExport } from '../../src/core/chain.ts'
import { ledgerOf } from '../../src/core/ledger-address.ts'

const MIB = 1024 * 1024

beforeEach(async () => {
  const { objects } = await env.BACKUPS.list({ prefix: BACKUP_PREFIX })
  if (objects.length > 0) await env.BACKUPS.delete(objects.map((object) => object.key))
})

/** A record of `count` rows of about `bytes` each, chained as the ledger chains them, served a page at a time. */
function syntheticRecord(count: number, bytes: number) {
  const rows: ChainEntry[] = []
  let previous = GENESIS
  for (let pos = 1; pos <= count; pos += 1) {
    const row = { seq: pos, key: 'disclaimer', text: `${pos} `.padEnd(bytes, 'x'), at: '2026-12-01T00:00:00.000Z' }
    previous = chainHash(previous, 'versions', row)
    rows.push({ pos, table: 'versions', row, hash: previous })
  }
  const pageAfter = async (after: number): Promise<ExportPage> => {
    const page = rows.filter((entry) => entry.pos > after).slice(0, 10)
    const next = page.length === 10 && after + 10 < count ? after + 10 : null
    return { rows: page, next, head: { hash: previous } }
  }
  return { pageAfter, head: previous }
}

/** The bucket as the Worker has it, with every part uploaded counted: the seam is our own argument, not R2. */
function countingParts(bucket: R2Bucket) {
  const parts: number[] = []
  const uploaded: R2UploadedPart[] = []
  const uploads: R2MultipartUpload[] = []
  const counted = Object.create(bucket) as R2Bucket
  counted.createMultipartUpload = async (key, options) => {
    const upload = await bucket.createMultipartUpload(key, options)
    uploads.push(upload)
    const uploadPart = upload.uploadPart.bind(upload)
    return Object.assign(Object.create(upload), {
      uploadPart: async (number: number, value: Uint8Array) => {
        parts.push(value.byteLength)
        const part = await uploadPart(number, value)
        uploaded.push(part)
        return part
      },
      complete: upload.complete.bind(upload),
      abort: upload.abort.bind(upload),
    }) as R2MultipartUpload
  }
  counted.put = bucket.put.bind(bucket)
  return { counted, parts, uploaded, uploads }
}

describe('writeBackup', () => {
  it('copies the ledger’s whole record in one put, and the copy verifies as an export to the ledger’s head', async () => {
    await ledgerOf(env).seed('alice')
    const now = new Date('2026-12-01T03:17:00.123Z')
    const { backup } = await backUpLedger(env, { now })
    expect(backup.key).toBe('ledger/2026-12-01T03-17-00Z.jsonl')
    const object = await env.BACKUPS.get(backup.key)
    expect(object?.httpMetadata?.contentType).toBe('application/jsonl; charset=utf-8')
    const text = (await object?.text()) as string
    expect(object?.size).toBe(backup.bytes)
    const verdict = verifyExport(text)
    expect(verdict).toMatchObject({ ok: true, rows: backup.rows })
    expect(backup.rows).toBeGreaterThan(0)
    expect(backup.head).toBe((await ledgerOf(env).read('head'))?.hash)
  })

  it('writes a record larger than a part in parts of one size and a last one, which verify together', async () => {
    const record = syntheticRecord(60, 100 * 1024)
    const { counted, parts } = countingParts(env.BACKUPS)
    const backup = await writeBackup(counted, record.pageAfter, { partBytes: 5 * MIB })
    expect(parts).toEqual([5 * MIB, backup.bytes - 5 * MIB])
    expect(parts[1]).toBeLessThan(5 * MIB)
    expect(parts.reduce((sum, part) => sum + part, 0)).toBe(backup.bytes)
    const text = (await (await env.BACKUPS.get(backup.key))?.text()) as string
    expect(verifyExport(text)).toEqual({ ok: true, rows: 60, head: record.head })
    expect(backup).toMatchObject({ rows: 60, head: record.head })
  }, 60_000)

  it('leaves no copy, and no upload to finish, when the record cannot be read to its end', async () => {
    const record = syntheticRecord(70, 100 * 1024)
    const failing = async (after: number) => {
      if (after >= 60) throw new Error('the ledger did not answer')
      return record.pageAfter(after)
    }
    const now = new Date('2026-12-02T03:17:00Z')
    const { counted, uploaded, uploads } = countingParts(env.BACKUPS)
    await expect(writeBackup(counted, failing, { now, partBytes: 5 * MIB })).rejects.toThrow(
      'the ledger did not answer',
    )
    expect(uploaded).toHaveLength(1)
    expect(await env.BACKUPS.head(backupKey(now))).toBeNull()
    expect(await listBackups(env.BACKUPS)).toEqual([])
    // The upload was aborted: the part already sent cannot be made into an object afterwards.
    const upload = env.BACKUPS.resumeMultipartUpload(backupKey(now), (uploads[0] as R2MultipartUpload).uploadId)
    await expect(upload.complete(uploaded)).rejects.toThrow()
    expect(await env.BACKUPS.head(backupKey(now))).toBeNull()
  }, 60_000)
})

describe('pruneBackups', () => {
  it('deletes copies past their time, never the newest, and nothing that is still within it', async () => {
    const record = syntheticRecord(3, 100)
    for (const day of ['2026-09-01', '2026-09-02', '2026-09-03']) {
      await writeBackup(env.BACKUPS, record.pageAfter, { now: new Date(`${day}T03:17:00Z`) })
    }
    expect(await pruneBackups(env.BACKUPS, new Date())).toEqual([])
    const later = new Date(Date.now() + (BACKUP_RETENTION_DAYS + 1) * 86_400_000)
    const keys = (await listBackups(env.BACKUPS)).map((copy) => copy.key)
    expect(keys).toEqual([
      'ledger/2026-09-01T03-17-00Z.jsonl',
      'ledger/2026-09-02T03-17-00Z.jsonl',
      'ledger/2026-09-03T03-17-00Z.jsonl',
    ])
    const deleted = await pruneBackups(env.BACKUPS, later)
    const left = (await listBackups(env.BACKUPS)).map((copy) => copy.key)
    expect(left).toHaveLength(1)
    expect(deleted.sort()).toEqual(keys.filter((key) => key !== left[0]))
  })
})
