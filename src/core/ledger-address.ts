// Where the one ledger is: every part that talks to it (the editor half, the cron) reaches it by this name.

/** The one ledger: a single Durable Object orders every write, wherever it comes from. */
export const LEDGER_NAME = 'ledger'

export function ledgerOf(env: Env) {
  return env.LEDGER.getByName(LEDGER_NAME)
}
