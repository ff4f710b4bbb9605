// Judges a StrykerJS report module by module: Stryker's own `thresholds.break` judges only the total, which a
// well-tested module can carry while another falls below the goal.
import { calculateMetrics } from 'mutation-testing-metrics'

export type ReportFiles = Parameters<typeof calculateMetrics>[0]

/**
 * A surviving mutant no test can tell from the code, found by its module, mutator and replacement text, and by the
 * code it replaces when the replacement alone (`true`, `false`) would also match others.
 */
export interface EquivalentMutant {
  module: string
  mutator: string
  replacement: string
  original?: string
  why: string
}

type ReportMutant = ReportFiles[string]['mutants'][number]

/** The source text a mutant replaces (report locations count lines and columns from 1). */
export function originalText(source: string, { location: { start, end } }: ReportMutant): string {
  const lines = source.split('\n')
  if (start.line === end.line) return (lines[start.line - 1] ?? '').slice(start.column - 1, end.column - 1)
  return [
    (lines[start.line - 1] ?? '').slice(start.column - 1),
    ...lines.slice(start.line, end.line - 1),
    (lines[end.line - 1] ?? '').slice(0, end.column - 1),
  ].join('\n')
}

export interface ModuleScore {
  module: string
  /** Detected (killed or timed out) over covered mutants, in percent; NaN when the module has none. */
  score: number
  killed: number
  timeout: number
  survived: number
  noCoverage: number
  ignored: number
  errors: number
}

export interface Judgement {
  scores: ModuleScore[]
  /** One line per module below the goal or missing from the report, saying what to do. */
  failures: string[]
  /** Listed equivalent mutants that no longer survive: the list is wrong about them. */
  stale: EquivalentMutant[]
}

/**
 * Each module's score on its covered mutants; a survivor listed in `equivalent` counts as ignored, like a mutant a
 * disable comment turns off.
 */
export function judgeModules(
  files: ReportFiles,
  modules: string[],
  goal: number,
  equivalent: EquivalentMutant[] = [],
): Judgement {
  const scores: ModuleScore[] = []
  const failures: string[] = []
  const matched = new Set<EquivalentMutant>()
  for (const module of modules) {
    const file = files[module]
    if (!file) {
      failures.push(`${module}: not in the report; check its path in stryker.config.ts`)
      continue
    }
    const mutants = file.mutants.map((mutant) => {
      const listed = equivalent.find(
        (entry) =>
          entry.module === module &&
          entry.mutator === mutant.mutatorName &&
          entry.replacement === mutant.replacement &&
          (entry.original === undefined || entry.original === originalText(file.source, mutant)),
      )
      if (!listed || mutant.status !== 'Survived') return mutant
      matched.add(listed)
      return { ...mutant, status: 'Ignored' as const, statusReason: listed.why }
    })
    const { metrics } = calculateMetrics({ [module]: { ...file, mutants } })
    const score = metrics.totalCovered > 0 ? (metrics.totalDetected / metrics.totalCovered) * 100 : Number.NaN
    scores.push({
      module,
      score,
      killed: metrics.killed,
      timeout: metrics.timeout,
      survived: metrics.survived,
      noCoverage: metrics.noCoverage,
      ignored: metrics.ignored,
      errors: metrics.totalInvalid,
    })
    if (Number.isNaN(score)) {
      failures.push(`${module}: no mutant was covered by a test; its tests must import and exercise it`)
    } else if (score < goal) {
      failures.push(
        `${module}: ${score.toFixed(2)} % of covered mutants killed, below ${goal} %; kill the survivors listed above, or mark one that is truly equivalent with \`// Stryker disable next-line <mutator>: <why>\``,
      )
    }
  }
  const stale = equivalent.filter((entry) => modules.includes(entry.module) && !matched.has(entry))
  return { scores, failures, stale }
}

export function scoreTable({ scores }: Judgement): string {
  const header = ['module', 'score %', 'killed', 'timeout', 'survived', 'no cov', 'ignored', 'errors']
  const rows = scores.map((row) => [
    row.module,
    Number.isNaN(row.score) ? 'n/a' : row.score.toFixed(2),
    ...[row.killed, row.timeout, row.survived, row.noCoverage, row.ignored, row.errors].map(String),
  ])
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)))
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0)))
        .join('  '),
    )
    .join('\n')
}
