import { describe, expect, it } from 'vitest'
import { parseWrk } from '../../scripts/lib/bench-load.ts'

const WRK_OUTPUT = `Running 1s test @ http://127.0.0.1:8999/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.07ms    4.11ms  41.11ms   91.98%
    Req/Sec   552.60     94.86   686.00     70.00%
  551 requests in 1.00s, 2.06MB read
Requests/sec:    549.30
Transfer/sec:      2.06MB
`

describe('parseWrk', () => {
  it("reads the requests, the window and the rate from wrk's summary", () => {
    expect(parseWrk(WRK_OUTPUT)).toEqual({ requests: 551, seconds: 1, rps: 549.3 })
  })

  it('reads a window of a minute or more, which wrk gives in minutes', () => {
    const minute = WRK_OUTPUT.replace('551 requests in 1.00s', '385810 requests in 1.00m').replace('549.30', '6425.40')
    expect(parseWrk(minute)).toEqual({ requests: 385810, seconds: 60, rps: 6425.4 })
  })

  it('refuses a run with non-2xx answers or socket errors', () => {
    const non2xx = WRK_OUTPUT.replace('Requests/sec', '  Non-2xx or 3xx responses: 551\nRequests/sec')
    expect(() => parseWrk(non2xx)).toThrow('wrk saw errors')
    const socket = WRK_OUTPUT.replace(
      'Requests/sec',
      '  Socket errors: connect 0, read 3, write 0, timeout 0\nRequests/sec',
    )
    expect(() => parseWrk(socket)).toThrow('wrk saw errors')
  })

  it('refuses output it cannot read', () => {
    expect(() => parseWrk('unable to connect to 127.0.0.1:1 Connection refused')).toThrow("could not read wrk's output")
  })
})
