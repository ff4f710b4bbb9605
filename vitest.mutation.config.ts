import { defineConfig } from 'vitest/config'
import { MUTATED } from './stryker.config.ts'

// The mutated modules' tests in plain Node: they need no binding, and Stryker runs them once per mutant.
export default defineConfig({
  test: { name: 'mutation', environment: 'node', include: Object.values(MUTATED) },
})
