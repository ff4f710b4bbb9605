import { defineConfig } from 'vitest/config'
import { MUTATED } from './stryker.config.ts'

// The mutated modules' tests in plain Node: they need no binding, and Stryker runs them once per mutant. With
// MUTATION_MODULE set (scripts/mutation.ts runs one module at a time), only that module's own test file.
const only = process.env.MUTATION_MODULE
const include = only ? [MUTATED[only]] : Object.values(MUTATED)
if (include[0] === undefined)
  throw new Error(`MUTATION_MODULE=${only} is not a module listed in MUTATED (stryker.config.ts)`)

export default defineConfig({
  test: { name: 'mutation', environment: 'node', include: include as string[], setupFiles: ['test/mutation-setup.ts'] },
})
