// The site with a ledger the benchmark can fill, count and drive (scripts/bench-ledger.ts): the Worker as deployed,
// plus paths only it has (ledger-bench.ts). The ledger object is the real one; the benchmark hands its `sql` seam a
// wrapper that sums every statement's rowsRead, and runs its alarm itself, so no alarm's rows mix with a measured
// operation's.

import { LEDGER_NAME, type LedgerStub } from '../../src/core/ledger-address.ts'
import { TARGET_KEYS } from '../../src/core/site-map.ts'
import { DisclaimerLedger as LedgerObject, default as Site } from '../../src/index.ts'
import { kvEntry } from '../../src/ledger/outbox.ts'
import { current } from '../../src/ledger/queries.ts'
import { fillStep, type RecordSize } from './busy-record.ts'
import { LEDGER_BENCH_PATH, type LedgerBenchAction, type RowsCounted } from './ledger-bench.ts'
import { recordingSql } from './recording-sql.ts'

export class DisclaimerLedger extends LedgerObject {
  private readonly cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = []
  private counting = false

  /** Writes step `step` of a record of `size` ending at `end`, in one transaction, through the object's own SQL. */
  benchFill(size: RecordSize, step: number, end: number): void {
    this.ctx.storage.transactionSync(() => fillStep(this.ctx.storage.sql, size, step, end))
  }

  /** Puts each key's current text in KV as the ledger would have, so KV and the record agree. */
  async benchKv(): Promise<void> {
    const { sql } = this.ctx.storage
    for (const key of TARGET_KEYS) {
      const shown = current(sql, key)
      if (!shown?.text) continue
      const { metadata } = await kvEntry(sql, shown.version, this.env.LEDGER_SECRET)
      await this.env.DISCLAIMERS.put(key, shown.text, { metadata })
    }
  }

  /** Starts counting: from now the ledger's statements go through the counting wrapper, and the sums start at 0. */
  benchCount(): void {
    if (!this.counting) {
      this.ledger.sql = recordingSql(this.ctx.storage.sql, (_query, cursor) => this.cursors.push(cursor))
      this.counting = true
    }
    this.cursors.length = 0
  }

  benchRows(): RowsCounted {
    const counted = {
      read: this.cursors.reduce((sum, cursor) => sum + cursor.rowsRead, 0),
      written: this.cursors.reduce((sum, cursor) => sum + cursor.rowsWritten, 0),
      statements: this.cursors.length,
    }
    this.cursors.length = 0
    return counted
  }

  /** The alarm, when the benchmark runs it. */
  benchAlarm(): Promise<void> {
    return super.alarm()
  }

  /** The runtime's own alarms do nothing here: the benchmark runs the alarm when it measures it. */
  override async alarm(): Promise<void> {}
}

type BenchStub = Pick<LedgerStub, 'read'> & DurableObjectStub<DisclaimerLedger>

async function bench(action: LedgerBenchAction, request: Request, ledger: BenchStub, site: Site): Promise<unknown> {
  switch (action) {
    case 'fill': {
      const { size, end, step } = (await request.json()) as { size: RecordSize; end: number; step: number }
      return ledger.benchFill(size, step, end)
    }
    case 'kv':
      return ledger.benchKv()
    case 'count':
      return ledger.benchCount()
    case 'rows':
      return ledger.benchRows()
    case 'alarm':
      return ledger.benchAlarm()
    case 'cron':
      return site.scheduled()
    case 'ping':
      return ledger.read('requiresApproval')
  }
}

export default class BenchSite extends Site {
  override async fetch(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url)
    if (!pathname.startsWith(`${LEDGER_BENCH_PATH}/`)) return super.fetch(request)
    const action = pathname.slice(LEDGER_BENCH_PATH.length + 1) as LedgerBenchAction
    const namespace = this.env.LEDGER as unknown as DurableObjectNamespace<DisclaimerLedger>
    const ledger = namespace.get(namespace.idFromName(LEDGER_NAME)) as BenchStub
    return Response.json({ result: (await bench(action, request, ledger, this)) ?? null })
  }
}
