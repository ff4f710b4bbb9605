// Mutation runs only (vitest.mutation.config.ts): a property that fails stops there, without shrinking to the
// smallest counterexample, which a mutant's run never reads. What each property checks is unchanged.
import fc from 'fast-check'

fc.configureGlobal({ endOnFailure: true })
