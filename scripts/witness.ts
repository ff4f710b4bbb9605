// `npm run witness -- <command>`: a witness for the disclaimer log (C2SP tlog-witness) that an editor or an auditor
// runs on their own machine, with their own key and state: it cosigns each checkpoint it is shown only if it is
// consistent with the last one it cosigned, and refuses a fork loudly.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { cosigner } from '../src/core/log/cosignature.ts'
import { keyLabel } from '../src/core/log/log-client.ts'
import { COSIGNATURE_V1, ED25519, ed25519Verifier, generateKeyPair, parseSignerKey } from '../src/core/log/note-keys.ts'
import { printable } from '../src/core/validate.ts'
import { CliError } from './lib/admin-client.ts'
import { readVerifierKey } from './lib/log-trust.ts'
import { startWitness } from './lib/witness-server.ts'
import { WitnessState } from './lib/witness-state.ts'

const USAGE = `usage: npm run witness -- <command> [options]

  keygen <name> [--out F]     a new witness key named <name> (e.g. alice.example.org/witness): writes its signer key
                              to F (default witness.key; never overwritten; keep it private) and prints its verifier
                              key, which the site's operators add to LOG_WITNESSES and auditors pass to --witness
  serve --key F --state S --log-key K [--log-key K2] [--origin O] [--port N] [--host H]
                              answers POST /add-checkpoint on http://H:N (127.0.0.1 and 8795 by default; --port 0
                              takes a free one) for the log whose checkpoints K (the log's verifier key, or a file
                              holding it) signs; O is its origin, by default K's name. S holds the last checkpoint it
                              cosigned (replaced atomically), S.log a line per decision. Stops on Ctrl-C (SIGINT) or
                              SIGTERM.`

const DEFAULT_PORT = 8795

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      key: { type: 'string' },
      state: { type: 'string' },
      'log-key': { type: 'string', multiple: true },
      origin: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}

async function keygen(name: string | undefined, out = 'witness.key'): Promise<void> {
  if (!name) throw new CliError('keygen needs the witness key’s name, e.g. alice.example.org/witness', 2)
  if (existsSync(out)) throw new CliError(`${out} exists already; it is never overwritten: pass --out <new file>`, 2)
  let pair: { signerKey: string; verifierKey: string }
  try {
    pair = await generateKeyPair(name, COSIGNATURE_V1)
  } catch (error) {
    throw new CliError(`${printable(name)}: ${(error as Error).message}`, 2)
  }
  writeFileSync(out, `${pair.signerKey}\n`, { mode: 0o600, flag: 'wx' })
  console.error(`wrote the signer key to ${out} (keep it private; whoever holds it can cosign as this witness)`)
  console.log(pair.verifierKey)
}

async function serve(options: ReturnType<typeof parse>['values']): Promise<void> {
  if (!options.key || !options.state) throw new CliError(`serve needs --key and --state\n\n${USAGE}`, 2)
  if (!options['log-key']?.length) throw new CliError("serve needs --log-key: the log's verifier key", 2)
  let text: string
  try {
    text = readFileSync(options.key, 'utf8')
  } catch {
    throw new CliError(`cannot read the witness key file ${options.key}; make one with: npm run witness -- keygen`, 2)
  }
  const parsed = await parseSignerKey(text)
  if (!parsed.ok) throw new CliError(`${options.key}: ${parsed.problem}`, 2)
  if (parsed.key.type !== COSIGNATURE_V1) {
    throw new CliError(`${options.key} is not a witness key (cosignature/v1, type 0x04): make one with keygen`, 2)
  }
  const logKeys = options['log-key'].map((value) => readVerifierKey(value, '--log-key', ED25519))
  const origin = options.origin ?? (logKeys[0]?.name as string)
  const port = options.port === undefined ? DEFAULT_PORT : Number(options.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError('--port must be 0 to 65535', 2)
  let state: WitnessState
  try {
    state = new WitnessState(options.state, keyLabel(parsed.key))
  } catch (error) {
    throw new CliError((error as Error).message)
  }
  const witness = await startWitness({
    cosigner: cosigner(parsed.key, () => Math.floor(Date.now() / 1000)),
    logs: new Map([[origin, logKeys.map(ed25519Verifier)]]),
    state,
    host: options.host ?? '127.0.0.1',
    port,
    say: (line, loud) => (loud ? console.error(line) : console.log(line)),
  })
  const latest = state.latest(origin)
  console.log(`witness ${keyLabel(parsed.key)} listening on ${witness.url}/add-checkpoint`)
  console.log(
    `following ${printable(origin)} (log key ${logKeys.map(keyLabel).join(', ')}); last cosigned: ${latest ? `size ${latest.size}` : 'nothing yet'}; state ${options.state}`,
  )
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      console.log(`witness: ${signal}: stopping`)
      witness.close().then(resolve)
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
  })
}

export async function main(argv: string[]): Promise<void> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${USAGE}`, 2)
  }
  const { values: options, positionals } = parsed
  const [command, ...rest] = positionals
  if (options.help || !command) {
    console.log(USAGE)
    return
  }
  if (command === 'keygen') return keygen(rest[0], options.out)
  if (command === 'serve') return serve(options)
  throw new CliError(`unknown command "${printable(command)}"\n\n${USAGE}`, 2)
}

if (import.meta.main) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`witness: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(error instanceof CliError ? error.exitCode : 1)
  })
}
