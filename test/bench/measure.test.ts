import { describe, expect, it } from 'vitest'
import {
  interquartileMean,
  median,
  parseUploadSize,
  processCpuNs,
  quantile,
  threadCpuNs,
} from '../../scripts/lib/measure.ts'

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

describe('processCpuNs and threadCpuNs', () => {
  it("count this process's CPU time in ns, and only the time it ran", async () => {
    const [processBefore, threadBefore] = [processCpuNs(process.pid), threadCpuNs(process.pid)]
    // Busy until Node's own count says 60 ms of CPU went by (not 60 ms of wall time: on a shared machine this process
    // may wait for a core), bounded at 10 s of wall time; most of it is this thread's, the rest Node's helper threads.
    const cpuBefore = process.cpuUsage()
    const giveUpAt = performance.now() + 10_000
    const spent = () => {
      const { user, system } = process.cpuUsage(cpuBefore)
      return (user + system) * 1000
    }
    while (spent() < 60e6 && performance.now() < giveUpAt) Math.sqrt(Math.random())
    const busy = threadCpuNs(process.pid) - threadBefore
    expect(busy).toBeGreaterThan(20e6)
    expect(processCpuNs(process.pid) - processBefore).toBeGreaterThanOrEqual(busy)
    const idleBefore = threadCpuNs(process.pid)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(threadCpuNs(process.pid) - idleBefore).toBeLessThan(20e6)
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

describe('interquartileMean', () => {
  it('averages the middle half, so outliers on either side change nothing', () => {
    expect(interquartileMean([1, 2, 3, 4])).toBe(2.5)
    expect(interquartileMean([-50, 10, 11, 12, 13, 14, 15, 900])).toBe(12.5)
    expect(interquartileMean([7])).toBe(7)
  })

  it('refuses no values', () => {
    expect(() => interquartileMean([])).toThrow('interquartile mean of no values')
  })
})
