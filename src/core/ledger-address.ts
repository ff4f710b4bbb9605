// Where the one ledger is: every part that talks to it (the editor half, the cron) reaches it by this name.

/** The one ledger: a single Durable Object orders every write, wherever it comes from. */
export const LEDGER_NAME = 'ledger'

type LedgerObject = Env['LEDGER'] extends DurableObjectNamespace<infer T> ? T : never

/**
 * The ledger's stub. RPC's stub types drop a method's type parameters, so `read` and `readJson` keep the object's own signature:
 * each read's arguments and answer by its name (the object answers it as a promise already).
 */
export type LedgerStub = DurableObjectStub<LedgerObject> & {
  read: LedgerObject['read']
  readJson: LedgerObject['readJson']
}

export function ledgerOf(env: Env): LedgerStub {
  return env.LEDGER.getByName(LEDGER_NAME) as LedgerStub
}
