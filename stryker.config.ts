// `npm run test:mutation`: StrykerJS mutates the pure core rules and runs the tests that hold them, in Node
// (vitest.mutation.config.ts); scripts/mutation-score.ts then judges each module against the goal.
import type { PartialStrykerOptions } from '@stryker-mutator/api/core'
import type { EquivalentMutant } from './scripts/lib/mutation-score.ts'

/** Each mutated module and the test file that holds its rules. */
export const MUTATED: Record<string, string> = {
  'src/core/log/tree-store.ts': 'test/core/log/tree-store.test.ts',
  'src/core/log/tile-reader.ts': 'test/core/log/tile-reader.test.ts',
  'src/core/log/proof-plan.ts': 'test/core/log/proof-plan.test.ts',
  'src/core/log/proof-check.ts': 'test/core/log/proof-check.test.ts',
  'src/core/log/merkle.ts': 'test/core/log/merkle.test.ts',
  'src/core/log/tiles.ts': 'test/core/log/tiles.test.ts',
  'src/core/log/encoding.ts': 'test/core/log/encoding.test.ts',
  'src/core/log/note-keys.ts': 'test/core/log/note-keys.test.ts',
  'src/core/log/note.ts': 'test/core/log/note.test.ts',
  'src/core/log/checkpoint.ts': 'test/core/log/checkpoint.test.ts',
  'src/core/log/cosignature.ts': 'test/core/log/cosignature.test.ts',
  'src/core/log/witness-protocol.ts': 'test/core/log/witness-protocol.test.ts',
  'src/core/log/witness.ts': 'test/core/log/witness.test.ts',
  'src/core/log/entry.ts': 'test/core/log/entry.test.ts',
  'src/core/log/checkpoint-block.ts': 'test/core/log/checkpoint-block.test.ts',
  'src/core/log/log-client.ts': 'test/core/log/log-client.test.ts',
  'src/core/validate.ts': 'test/core/validate.test.ts',
  'src/core/keys.ts': 'test/core/keys.test.ts',
  'src/core/time.ts': 'test/core/time.test.ts',
  'src/core/chain.ts': 'test/core/chain.test.ts',
  'src/core/diff.ts': 'test/core/diff.test.ts',
  'src/core/staleness.ts': 'test/core/staleness.test.ts',
}

/**
 * Surviving mutants that are equivalent (no test can tell them from the code) where a `// Stryker disable next-line
 * <mutator>: <why>` comment would also hide killable mutants of the same mutator on that line, as a regex's are.
 * scripts/mutation-score.ts leaves each out of the score, as Stryker leaves out a disabled one.
 */
export const EQUIVALENT: EquivalentMutant[] = [
  {
    module: 'src/core/time.ts',
    mutator: 'ArithmeticOperator',
    replacement: 'Math.floor(instant / HOUR_MS) / HOUR_MS',
    original: 'Math.floor(instant / HOUR_MS) * HOUR_MS',
    why: "the hour's offset is only a shortcut to what wallOf answers: this mutant leaves every hour to wallOf (the offsets it reads then are not whole milliseconds, so no hour is steady), which answers the same",
  },
  {
    module: 'src/core/time.ts',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    original: 'known !== undefined',
    why: "the hour's offset is only a shortcut to what wallOf answers: this mutant leaves each hour's offset to be read again rather than taken from the cache, and read the same",
  },
  {
    module: 'src/core/time.ts',
    mutator: 'ArrowFunction',
    replacement: '() => undefined',
    original: '(at: number) => Date.parse(`\u0024{wallOf(at, zone)}Z`) - at',
    why: "the hour's offset is only a shortcut to what wallOf answers: this mutant leaves every hour to wallOf (an undefined offset is never steady), which answers the same",
  },
  {
    module: 'src/core/time.ts',
    mutator: 'ArithmeticOperator',
    replacement: 'Date.parse(`\u0024{wallOf(at, zone)}Z`) + at',
    original: 'Date.parse(`\u0024{wallOf(at, zone)}Z`) - at',
    why: "the hour's offset is only a shortcut to what wallOf answers: this mutant leaves every hour to wallOf (the sums at an hour's two ends always differ), which answers the same",
  },
  {
    module: 'src/core/time.ts',
    mutator: 'StringLiteral',
    replacement: '``',
    original: '`\u0024{wallOf(at, zone)}Z`',
    why: "the hour's offset is only a shortcut to what wallOf answers: this mutant leaves every hour to wallOf (NaN equals nothing), which answers the same",
  },
  {
    module: 'src/core/time.ts',
    mutator: 'ArithmeticOperator',
    replacement: 'start + HOUR_MS + 1_000',
    original: 'start + HOUR_MS - 1_000',
    why: "the hour's offset is only a shortcut to what wallOf answers: this mutant leaves to wallOf also each hour before one its offset changes at the start of, which answers the same",
  },
  {
    module: 'src/core/time.ts',
    mutator: 'CallExpression',
    replacement: ';',
    original: 'hourOffsets.set(key, steady)',
    why: "the hour's offset is only a shortcut to what wallOf answers: this mutant leaves each hour's offset to be read again rather than taken from the cache, and read the same",
  },
  {
    module: 'src/core/time.ts',
    mutator: 'ConditionalExpression',
    replacement: 'true',
    original: 'offset === null',
    why: "the hour's offset is only a shortcut to what wallOf answers: this mutant leaves every time to wallOf, which the shortcut answers the same as",
  },
  {
    module: 'src/core/time.ts',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    original: 'first === offsetAt(start + HOUR_MS - 1_000)',
    why: "the hour's offset is only a shortcut to what wallOf answers: this mutant leaves every hour to wallOf, which answers the same",
  },
  {
    module: 'src/core/time.ts',
    mutator: 'Regex',
    replacement: String.raw`/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})/`,
    why: "INSTANT without its end anchor: parseInstant also asks Date.parse, which refuses any text after an instant's offset, so the anchor never decides alone",
  },
  {
    module: 'src/core/chain.ts',
    mutator: 'ConditionalExpression',
    replacement: 'true',
    original: 'index < line.length',
    why: "difference() runs only on a line unlike its canonical form, so the two texts differ at or before the shorter one's end, where an undefined character stops the loop anyway",
  },
  {
    module: 'src/core/chain.ts',
    mutator: 'EqualityOperator',
    replacement: 'index <= line.length',
    why: "difference() one step past the line's end compares undefined with the canonical text's next character (there is one: the texts differ), which stops the loop at the same index",
  },
  {
    module: 'src/core/chain.ts',
    mutator: 'EqualityOperator',
    replacement: 'name < last',
    why: "a column name never equals the one before it: JSON.parse keeps one key per name and for...in yields each once, and the first name is checked non-empty (columnProblem) before it meets last = ''",
  },
  {
    module: 'src/core/chain.ts',
    mutator: 'ConditionalExpression',
    replacement: 'true',
    original: "typeof column === 'string' && !column.isWellFormed()",
    why: 'sends every row through canonicalRow instead of slicing the hashed bytes out of the line; both give the same bytes for a well-formed row (the line was checked to be the canonical encoding), so only speed differs',
  },
  {
    module: 'src/core/chain.ts',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    original: 'wellFormed',
    why: 'the same: canonicalRow for every row gives the bytes the slice of the line gives for a well-formed row, only slower',
  },
  {
    module: 'src/core/log/encoding.ts',
    mutator: 'EqualityOperator',
    replacement: 'i <= binary.length',
    why: "fromBase64's copy one step past the end writes NaN at index length of a Uint8Array of that length, which a typed array ignores",
  },
  {
    module: 'src/core/log/encoding.ts',
    mutator: 'EqualityOperator',
    replacement: 'i <= a.length',
    why: 'equalBytes one step past the end (lengths already equal) ORs undefined ^ undefined, which is 0',
  },
  {
    module: 'src/core/log/encoding.ts',
    mutator: 'EqualityOperator',
    replacement: 'i <= text.length',
    why: 'controlCharacter one step past the end reads charCodeAt(length), NaN, which is never below 0x20',
  },
  {
    module: 'src/core/log/note-keys.ts',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    original: 'first < 0',
    why: 'splitKey: with no + in the text, the search for a second + from 0 finds none either, and that returns null',
  },
  {
    module: 'src/core/log/note-keys.ts',
    mutator: 'EqualityOperator',
    replacement: 'second <= 0',
    why: 'splitKey: the second + is -1 or past the first (at 0 or later), never at 0',
  },
  {
    module: 'src/core/log/note-keys.ts',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    original: 'bytes?.length !== 32',
    why: "WebCrypto's JWK x of an Ed25519 key is always 43 base64url characters, 32 bytes: no seed reaches this guard",
  },
  {
    module: 'src/core/log/note-keys.ts',
    mutator: 'OptionalChaining',
    replacement: 'bytes.length',
    why: "the same guard: WebCrypto's JWK x always decodes, so bytes is never null",
  },
  {
    module: 'src/core/log/note-keys.ts',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    original: 'signature.length !== 64',
    why: 'ed25519Verify: WebCrypto answers false for a signature of another length (or throws, which the catch turns to false), so the early return only saves the import',
  },
  {
    module: 'src/core/log/witness-protocol.ts',
    mutator: 'OptionalChaining',
    replacement: 'first.startsWith',
    why: 'split always gives at least one string, so the first line is never undefined',
  },
  {
    module: 'src/core/log/witness-protocol.ts',
    mutator: 'OptionalChaining',
    replacement: "contentType?.split(';')[0].trim",
    why: "the same: split(';') always gives at least one string",
  },
  {
    module: 'src/core/log/proof-check.ts',
    mutator: 'ConditionalExpression',
    replacement: 'true',
    original: 'fn !== 0',
    why: 'RFC 9162 halves fn only where fn === sn (fn odd stops it at once), and sn is never 0 there (checked first): an even fn > 0 halves to an odd number before 0',
  },
  {
    module: 'src/core/log/proof-plan.ts',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    original: 'oldSize === newSize',
    why: 'consistencySpans between equal sizes without the early return: the loop runs while oldSize !== hi, and hi starts at newSize, so it adds nothing and returns [] all the same',
  },
  {
    module: 'src/core/log/tree-store.ts',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    original: 'nodes.length === 0',
    why: 'readAll without its shortcut asks the store for no nodes and maps the empty answer to []: only a round trip is saved',
  },
  {
    module: 'src/core/log/checkpoint-block.ts',
    mutator: 'Regex',
    replacement: String.raw`/[ \t>]*/`,
    why: 'PREFIX unanchored: a run of spaces, tabs and > matches, possibly empty, at index 0 of every line, so exec finds the same prefix',
  },
  {
    module: 'src/core/log/checkpoint-block.ts',
    mutator: 'EqualityOperator',
    replacement: 'at + 4 <= lines.length',
    why: 'one more start 4 lines from the end: a block needs 5 lines (origin, size, root, blank, signature), so it finds nothing there',
  },
  {
    module: 'src/core/log/checkpoint-block.ts',
    mutator: 'ArithmeticOperator',
    replacement: 'at - 4',
    why: "the loop runs 8 more starts past the text's end, where each origin is undefined and skipped",
  },
  {
    module: 'src/core/log/checkpoint-block.ts',
    mutator: 'OptionalChaining',
    replacement: 'line.startsWith',
    why: 'strip is only ever given a line inside the text: every caller checks the index against lines.length first',
  },
  {
    module: 'src/core/log/checkpoint-block.ts',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    original: '!origin || size === undefined || root === undefined || parseCount(size) === null',
    why: 'a shortcut before parseNote and parseCheckpoint, which refuse every block it lets through (an empty origin, a size that is not a count, a root that is not 32 bytes: a missing line is joined as an empty one)',
  },
  {
    module: 'src/core/log/checkpoint-block.ts',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    original: '!origin || size === undefined || root === undefined',
    why: 'a shortcut before parseNote and parseCheckpoint, which refuse every block it lets through (an empty origin, a size that is not a count, a root that is not 32 bytes: a missing line is joined as an empty one)',
  },
  {
    module: 'src/core/log/checkpoint-block.ts',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    original: '!origin || size === undefined',
    why: 'a shortcut before parseNote and parseCheckpoint, which refuse every block it lets through (an empty origin, a size that is not a count, a root that is not 32 bytes: a missing line is joined as an empty one)',
  },
  {
    module: 'src/core/log/checkpoint-block.ts',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    original: 'size === undefined',
    why: 'a shortcut before parseNote and parseCheckpoint, which refuse every block it lets through (an empty origin, a size that is not a count, a root that is not 32 bytes: a missing line is joined as an empty one)',
  },
  {
    module: 'src/core/log/checkpoint-block.ts',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    original: 'root === undefined',
    why: 'a shortcut before parseNote and parseCheckpoint, which refuse every block it lets through (an empty origin, a size that is not a count, a root that is not 32 bytes: a missing line is joined as an empty one)',
  },
  {
    module: 'src/core/log/checkpoint-block.ts',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    original: 'parseCount(size) === null',
    why: 'a shortcut before parseNote and parseCheckpoint, which refuse every block it lets through (an empty origin, a size that is not a count, a root that is not 32 bytes: a missing line is joined as an empty one)',
  },
  {
    module: 'src/core/log/checkpoint-block.ts',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    original: 'fromBase64(root)?.length !== HASH_SIZE',
    why: 'a shortcut before parseNote and parseCheckpoint, which refuse every block it lets through (an empty origin, a size that is not a count, a root that is not 32 bytes: a missing line is joined as an empty one)',
  },
  {
    module: 'src/core/log/checkpoint-block.ts',
    mutator: 'LogicalOperator',
    replacement: '(!origin || size === undefined || root === undefined) && parseCount(size) === null',
    why: 'a shortcut before parseNote and parseCheckpoint, which refuse every block it lets through (an empty origin, a size that is not a count, a root that is not 32 bytes: a missing line is joined as an empty one)',
  },
  {
    module: 'src/core/log/checkpoint-block.ts',
    mutator: 'LogicalOperator',
    replacement: '(!origin || size === undefined) && root === undefined',
    why: 'a shortcut before parseNote and parseCheckpoint, which refuse every block it lets through (an empty origin, a size that is not a count, a root that is not 32 bytes: a missing line is joined as an empty one)',
  },
  {
    module: 'src/core/log/checkpoint-block.ts',
    mutator: 'LogicalOperator',
    replacement: '!origin && size === undefined',
    why: 'a shortcut before parseNote and parseCheckpoint, which refuse every block it lets through (an empty origin, a size that is not a count, a root that is not 32 bytes: a missing line is joined as an empty one)',
  },
  {
    module: 'src/core/log/checkpoint-block.ts',
    mutator: 'ConditionalExpression',
    replacement: 'true',
    original: 'end < lines.length',
    why: "strip(undefined) past the text's end is undefined, which stops the extension loop at the same line",
  },
  {
    module: 'src/core/log/checkpoint-block.ts',
    mutator: 'EqualityOperator',
    replacement: 'end <= lines.length',
    why: 'the same: one step past the end strips undefined to undefined, which stops the loop',
  },
  {
    module: 'src/core/log/checkpoint-block.ts',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    original: 'blank === undefined',
    why: "an undefined blank strips to undefined (not '') and prefix, of spaces, tabs and >, never starts with 'undefined', so the block is skipped all the same",
  },
  {
    module: 'src/core/log/checkpoint-block.ts',
    mutator: 'ConditionalExpression',
    replacement: 'true',
    original: "strip(blank) !== ''",
    why: "strip(blank) is '' only when blank is the prefix itself, which the prefix starts with: the second test decides alone",
  },
  {
    module: 'src/core/log/checkpoint-block.ts',
    mutator: 'StringLiteral',
    replacement: '"Stryker was here!"',
    why: "the same: a stripped line is 'Stryker was here!' only with that text, which is not a prefix of spaces, tabs and >, so the second test decides alone",
  },
  {
    module: 'src/core/log/checkpoint-block.ts',
    mutator: 'ConditionalExpression',
    replacement: 'true',
    original: 'line < lines.length',
    why: "strip(undefined) past the text's end is undefined, whose ?.startsWith stops the signature loop at the same line",
  },
  {
    module: 'src/core/log/checkpoint-block.ts',
    mutator: 'EqualityOperator',
    replacement: 'line <= lines.length',
    why: 'the same: one step past the end strips undefined, which stops the signature loop',
  },
  {
    module: 'src/core/log/checkpoint-block.ts',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    original: 'signatures.length === 0',
    why: 'a note with no signature lines is refused by parseNote, so the block is skipped all the same',
  },
  {
    module: 'src/core/log/entry.ts',
    mutator: 'ConditionalExpression',
    replacement: 'true',
    original: "typeof value === 'number'",
    why: 'Number.isFinite is false for every value that is not a number, so the typeof test never decides alone',
  },
  {
    module: 'src/core/log/entry.ts',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    original: "typeof value !== 'object' || Array.isArray(value)",
    why: 'JSON.parse gives a boolean, an array or an object here; Object.keys of a boolean is [] and of an array its indexes, never exactly utf16, so the next test refuses them all the same',
  },
  {
    module: 'src/core/log/entry.ts',
    mutator: 'LogicalOperator',
    replacement: "typeof value !== 'object' && Array.isArray(value)",
    why: "the same: a boolean or an array is refused by Object.keys(value).join() !== 'utf16'",
  },
  {
    module: 'src/core/log/entry.ts',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    original: "typeof value !== 'object'",
    why: 'the same: Object.keys of a boolean is [], which is not utf16',
  },
  {
    module: 'src/core/log/entry.ts',
    mutator: 'ConditionalExpression',
    replacement: 'true',
    original: 'id !== undefined && id in shown',
    why: "an id the shown row lacks (or no id) makes { [id]: undefined }, which canonicalize writes as {}, the bytes of the original's {}",
  },
  {
    module: 'src/core/log/entry.ts',
    mutator: 'LogicalOperator',
    replacement: 'id !== undefined || id in shown',
    why: 'the same: { [id]: undefined } is written as {}',
  },
  {
    module: 'src/core/log/entry.ts',
    mutator: 'ConditionalExpression',
    replacement: 'true',
    original: 'id !== undefined',
    why: 'the same: { [id]: undefined } is written as {}',
  },
  {
    module: 'src/core/log/log-client.ts',
    mutator: 'ConditionalExpression',
    replacement: 'true',
    original: 'time !== null',
    why: "cosignatureVerifier's verify returns false itself when cosignatureTime is null, so no line with no time verifies",
  },
  {
    module: 'src/core/log/log-client.ts',
    mutator: 'Regex',
    replacement: String.raw`/(tile\/[^:]+):/`,
    why: "the tile reader's problem after its prefix starts with the tile's path (TileError writes the path, then a colon) or with 'entry '; only a root whose base64 held 'tile/' could tell, and no test can find one",
  },
  {
    module: 'src/core/log/log-client.ts',
    mutator: 'Regex',
    replacement: '/the tiles could not be read: /',
    why: 'the tile reader writes that phrase only at the start of its problem',
  },
]

/** The least share of covered mutants that each module's tests must kill, in percent. */
export const MUTATION_SCORE_GOAL = 95

export const MUTATION_REPORT = 'artifacts/mutation/mutation.json'

/** Where one module's run (scripts/mutation.ts sets MUTATION_MODULE) writes its report. */
export function moduleReport(module: string, kind: 'json' | 'html'): string {
  return `artifacts/mutation/modules/${module.replace(/\.ts$/, '').replaceAll('/', '-')}.${kind}`
}

/**
 * Where one module's incremental report lives, committed: Stryker compares the module and its tests with it and runs
 * only the mutants whose code or covering tests changed since, keeping the rest's results. CI runs that way, so the
 * step costs what the change costs; `npm run test:mutation -- --force` runs every mutant again and rewrites them.
 */
export function moduleBaseline(module: string): string {
  return `test/mutation/${module.replace(/\.ts$/, '').replaceAll('/', '-')}.json`
}

const only = process.env.MUTATION_MODULE

const config: PartialStrykerOptions = {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  coverageAnalysis: 'perTest',
  mutate: only ? [only] : Object.keys(MUTATED),
  // The sandbox holds only what the run needs. Without the tsconfig files Stryker skips rewriting them: that step
  // calls ts.parseConfigFileTextToJson, which TypeScript 7 removed, and nothing type-checks in the sandbox anyway.
  // scripts/lib/counting-store.ts is the one script a mutated module's test imports (tree-store.test.ts).
  ignorePatterns: [
    '/*',
    '!/src',
    '!/test',
    '/test/tsconfig.json',
    '!/package.json',
    '!/*.config.ts',
    '!/scripts',
    '/scripts/*',
    '!/scripts/lib',
    '/scripts/lib/*',
    '!/scripts/lib/counting-store.ts',
  ],
  disableTypeChecks: false,
  reporters: ['clear-text', 'progress-append-only', 'json', 'html'],
  clearTextReporter: { allowColor: false, reportTests: false, reportScoreTable: true, reportMutants: true },
  jsonReporter: { fileName: only ? moduleReport(only, 'json') : MUTATION_REPORT },
  htmlReporter: { fileName: only ? moduleReport(only, 'html') : 'artifacts/mutation/mutation.html' },
  thresholds: { high: MUTATION_SCORE_GOAL, low: MUTATION_SCORE_GOAL, break: null },
  incremental: only !== undefined,
  ...(only ? { incrementalFile: moduleBaseline(only) } : {}),
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
}

export default config
