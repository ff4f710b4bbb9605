import { describe, expect, it } from 'vitest'
import { STARTUP_RATIO_BUDGET } from '../../scripts/lib/budgets.ts'
import { compareStartup } from '../../scripts/lib/startup-ratio.ts'

describe('compareStartup', () => {
  it("divides the site's median by the baseline's, so one slow profile on either side changes nothing", () => {
    const startup = compareStartup([26.5, 11.5, 162.5, 35, 24], [19.6, 145, 22.6, 20.3, 18.9])
    expect(startup.siteMs).toBe(26.5)
    expect(startup.baselineMs).toBe(20.3)
    expect(startup.ratio).toBeCloseTo(1.305, 3)
    expect(startup.withinBudget).toBe(false)
  })

  it('is within the budget at exactly the budget and below it', () => {
    expect(compareStartup([26], [20]).withinBudget).toBe(true)
    expect(compareStartup([20], [20]).ratio).toBe(1)
    expect(STARTUP_RATIO_BUDGET).toBe(1.3)
  })

  it('gives no ratio, and no pass, when most baseline profiles caught no active sample', () => {
    const startup = compareStartup([30, 34, 33], [0, 18.3, 0])
    expect(startup.baselineMs).toBe(0)
    expect(startup.ratio).toBeNaN()
    expect(startup.withinBudget).toBe(false)
  })
})
