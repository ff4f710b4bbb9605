import { describe, expect, it } from 'vitest'
import { activeStartupMs, median, parseUploadSize, quantile } from '../../scripts/lib/measure.ts'

describe('parseUploadSize', () => {
  it("reads wrangler's upload line", () => {
    expect(parseUploadSize('Total Upload: 73.58 KiB / gzip: 28.96 KiB\nYour Worker has access to')).toEqual({
      rawKiB: 73.58,
      gzipKiB: 28.96,
    })
  })

  it('says what is missing when the line is not there', () => {
    expect(() => parseUploadSize('--dry-run: exiting now.')).toThrow('wrangler printed no "Total Upload')
  })
})

describe('activeStartupMs', () => {
  it('sums the sampled time outside "(idle)", in ms', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)' } },
        { id: 2, callFrame: { functionName: '(idle)' } },
        { id: 3, callFrame: { functionName: 'startup' } },
      ],
      samples: [2, 3, 3, 2, 1],
      timeDeltas: [5000, 1250, 750, 9000, 500],
    }
    expect(activeStartupMs(profile)).toBe(2.5)
  })
})

describe('median', () => {
  it('takes the middle of an odd count and the mean of the middle two of an even one', () => {
    expect(median([31.2, 18.4, 162.5, 25, 26.5])).toBe(26.5)
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })

  it('refuses no values', () => {
    expect(() => median([])).toThrow('median of no values')
  })
})

describe('quantile', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, index) => 100 - index)
    expect(quantile(values, 0.5)).toBe(50)
    expect(quantile(values, 0.99)).toBe(99)
    expect(quantile(values, 1)).toBe(100)
  })
})
