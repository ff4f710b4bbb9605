// `npm run disclaimer -- <command>`: edit the disclaimers in KV through wrangler, with validation and history.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createTwoFilesPatch } from 'diff'
import { createDisclaimerStore, type DisclaimerStorage, type WriteResult } from '../src/disclaimer/store.ts'

const USAGE = `usage: npm run disclaimer -- <command> [page] (--local | --env staging|production) [options]

commands:
  get                      print the current text and its version
  set [--text T | --file F | stdin] [--note N]
                           replace the text (validated; the old text goes to history)
  history                  list the versions, newest first
  rollback <version>       write an old version back as a new version
  diff [--version V]       compare the current text with the bundled default, or with version V
  seed [--force]           write the bundled defaults for every key that has none (--force: overwrite)

page: "global" (the default) or a page slug such as dosage-and-safety.
target: --local is the store of \`npm start\`; --env staging|production is the remote namespace.`

const DEFAULTS_DIR = new URL('../content/disclaimers/', import.meta.url).pathname

class UsageError extends Error {}

function keyFor(page: string): string {
  if (page === 'global') return 'disclaimer'
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(page)) throw new UsageError(`"${page}" is not "global" or a page slug`)
  return `disclaimer:${page}`
}

// content/disclaimers/global.txt is the default for "disclaimer", <slug>.txt for "disclaimer:<slug>".
function defaultFile(key: string): string {
  return join(DEFAULTS_DIR, key === 'disclaimer' ? 'global.txt' : `${key.slice('disclaimer:'.length)}.txt`)
}

/** The bundled default disclaimers as KV entries, `[key, text]`, in file order: what `seed` writes. */
export function bundledDisclaimers(): [key: string, text: string][] {
  return readdirSync(DEFAULTS_DIR)
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .map((file) => [
      file === 'global.txt' ? 'disclaimer' : `disclaimer:${file.slice(0, -'.txt'.length)}`,
      readFileSync(join(DEFAULTS_DIR, file), 'utf8'),
    ])
}

interface Target {
  label: string
  flags: string[]
}

function wranglerStorage(target: Target, persistTo?: string): DisclaimerStorage {
  const base = ['--binding', 'DISCLAIMERS', ...target.flags, ...(persistTo ? ['--persist-to', persistTo] : [])]
  const run = (args: string[]) =>
    execFileSync('npx', ['wrangler', 'kv', ...args, ...base], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    })
  const withFile = <T>(value: string, work: (path: string) => T): T => {
    const dir = mkdtempSync(join(process.env.TMPDIR ?? '/tmp', 'disclaimer-'))
    try {
      writeFileSync(join(dir, 'value'), value)
      return work(join(dir, 'value'))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  return {
    async get(key) {
      const keys = JSON.parse(run(['key', 'list', '--prefix', key])) as { name: string }[]
      if (!keys.some((entry) => entry.name === key)) return null
      // wrangler prints the value followed by one newline of its own.
      return run(['key', 'get', key, '--text']).replace(/\n$/, '')
    },
    async put(key, value, metadata) {
      withFile(value, (path) =>
        run(['key', 'put', key, '--path', path, ...(metadata ? ['--metadata', JSON.stringify(metadata)] : [])]),
      )
    },
    async delete(key) {
      run(['key', 'delete', key])
    },
    async list(prefix) {
      return JSON.parse(run(['key', 'list', '--prefix', prefix])) as { name: string; metadata?: unknown }[]
    },
  }
}

function editorName(): string {
  try {
    return execFileSync('git', ['config', 'user.name'], { encoding: 'utf8' }).trim() || userInfo().username
  } catch {
    return userInfo().username
  }
}

function report(result: WriteResult, target: Target): void {
  if (!result.ok) throw new Error(`${result.message} [${result.code}]`)
  console.log(`wrote ${result.key} to ${target.label}; read back version ${result.version}:`)
  console.log(result.text)
}

export async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      local: { type: 'boolean' },
      env: { type: 'string' },
      text: { type: 'string' },
      file: { type: 'string' },
      note: { type: 'string' },
      version: { type: 'string' },
      force: { type: 'boolean' },
      'persist-to': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const [command, ...rest] = positionals
  if (values.help || !command) {
    console.log(USAGE)
    return
  }
  if (Boolean(values.local) === (values.env !== undefined)) {
    throw new UsageError('say where: --local, or --env staging|production (remote); nothing was written')
  }
  if (values.env !== undefined && values.env !== 'staging' && values.env !== 'production') {
    throw new UsageError(`--env must be staging or production, not "${values.env}"`)
  }
  const target: Target = values.local
    ? { label: 'the LOCAL store (.wrangler/state, used by npm start)', flags: ['--local'] }
    : { label: `the REMOTE ${values.env} namespace`, flags: ['--env', values.env as string, '--remote'] }
  const store = createDisclaimerStore(wranglerStorage(target, values['persist-to']))
  const by = `cli:${editorName()}`

  switch (command) {
    case 'get': {
      const current = await store.current(keyFor(rest[0] ?? 'global'))
      console.log(`${current.key} in ${target.label}, version ${current.version}:`)
      console.log(current.text ?? '(not set: the site shows the bundled default)')
      return
    }
    case 'set': {
      const key = keyFor(rest[0] ?? 'global')
      const text = values.text ?? (values.file ? readFileSync(values.file, 'utf8') : readFileSync(0, 'utf8'))
      const { version } = await store.current(key)
      report(await store.write(key, text, { ifMatch: version, by, note: values.note }), target)
      return
    }
    case 'history': {
      const key = keyFor(rest[0] ?? 'global')
      const entries = await store.history(key)
      console.log(`${key} in ${target.label}: ${entries.length} earlier write(s), newest first`)
      for (const entry of entries) {
        console.log(
          `${entry.at}  ${entry.action.padEnd(8)} ${entry.previousVersion} -> ${entry.version}  by ${entry.by}${entry.note ? `  "${entry.note}"` : ''}`,
        )
      }
      return
    }
    case 'rollback': {
      const [version, page = 'global'] = rest
      if (!version) throw new UsageError('rollback needs a version; run history to list them')
      const key = keyFor(page)
      const current = await store.current(key)
      report(await store.rollback(key, version, { ifMatch: current.version, by, note: values.note }), target)
      return
    }
    case 'diff': {
      const key = keyFor(rest[0] ?? 'global')
      const current = await store.current(key)
      let other: string
      let label: string
      if (values.version) {
        const entry = (await store.history(key)).find((e) => e.previousVersion === values.version)
        if (!entry) throw new UsageError(`version ${values.version} is not in the history of ${key}`)
        other = (await wranglerStorage(target, values['persist-to']).get(`history/${key}/${entry.id}`)) ?? ''
        label = `version ${values.version}`
      } else {
        other = readFileSync(defaultFile(key), 'utf8').trim()
        label = 'bundled default'
      }
      console.log(
        createTwoFilesPatch(label, `${target.label} (${current.version})`, `${other}\n`, `${current.text ?? ''}\n`),
      )
      return
    }
    case 'seed': {
      for (const [key, text] of bundledDisclaimers()) {
        const current = await store.current(key)
        if (current.text !== null && !values.force) {
          console.log(`${key}: already set in ${target.label}; left as it is (--force overwrites)`)
          continue
        }
        report(
          await store.write(key, text, {
            ifMatch: current.version,
            by,
            note: 'seeded from the bundle',
            action: 'seed',
          }),
          target,
        )
      }
      return
    }
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`disclaimer: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(error instanceof UsageError ? 2 : 1)
  })
}
