import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { WitnessState } from '../../scripts/lib/witness-state.ts'

const scratch = mkdtempSync(join(tmpdir(), 'witness-state-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

let files = 0
const fresh = () => join(scratch, `state-${++files}.json`)
const hash = (byte: number) => new Uint8Array(32).fill(byte)
const checkpoint = (size: number, byte: number) => ({ size, root: hash(byte), note: `note of ${size}\n` })
const AT = new Date('2026-12-07T10:00:00Z')

describe('WitnessState', () => {
  it('starts empty, and keeps each origin’s latest cosigned checkpoint across a restart', () => {
    const path = fresh()
    const state = new WitnessState(path, 'w+01020304')
    expect(state.latest('log.example/a')).toBeUndefined()
    expect(state.swap('log.example/a', undefined, checkpoint(5, 1), AT)).toEqual({ ok: true })
    expect(state.swap('log.example/a', checkpoint(5, 1), checkpoint(9, 2), AT)).toEqual({ ok: true })
    const again = new WitnessState(path, 'w+01020304')
    expect(again.latest('log.example/a')).toEqual(checkpoint(9, 2))
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      witness: 'w+01020304',
      logs: {
        'log.example/a': {
          size: 9,
          root: Buffer.from(hash(2)).toString('base64'),
          note: 'note of 9\n',
          at: AT.toISOString(),
        },
      },
    })
    expect(readdirSync(scratch).filter((name) => name.includes('.tmp') || name.endsWith('.lock'))).toEqual([])
  })

  it('stores nothing when the stored checkpoint moved since the decision read it (compare-and-swap)', () => {
    const path = fresh()
    const state = new WitnessState(path, 'w+01020304')
    state.swap('log.example/a', undefined, checkpoint(5, 1))
    expect(state.swap('log.example/a', undefined, checkpoint(7, 3))).toEqual({ ok: false, reason: 'moved', size: 5 })
    expect(state.swap('log.example/a', checkpoint(5, 9), checkpoint(7, 3))).toEqual({
      ok: false,
      reason: 'moved',
      size: 5,
    })
    expect(state.swap('log.example/b', checkpoint(5, 1), checkpoint(7, 3))).toEqual({
      ok: false,
      reason: 'moved',
      size: 0,
    })
    expect(state.latest('log.example/a')).toEqual(checkpoint(5, 1))
  })

  it('stores nothing while another process holds the lock, and leaves its lock alone', () => {
    const path = fresh()
    const state = new WitnessState(path, 'w+01020304')
    writeFileSync(`${path}.lock`, '')
    expect(state.swap('log.example/a', undefined, checkpoint(5, 1))).toEqual({ ok: false, reason: 'locked' })
    expect(existsSync(`${path}.lock`)).toBe(true)
    expect(existsSync(path)).toBe(false)
  })

  it('refuses another witness key’s state, and a file that is not a state', () => {
    const path = fresh()
    new WitnessState(path, 'w+01020304').swap('log.example/a', undefined, checkpoint(5, 1))
    expect(() => new WitnessState(path, 'v+0a0b0c0d')).toThrow(
      `${path} is the state of witness w+01020304, not v+0a0b0c0d: give each witness key its own state file`,
    )
    const broken = fresh()
    writeFileSync(broken, '{"witness": "w+01020304", "logs": {"log.example/a": {"size": 5, "root": "AAAA"}}}')
    expect(() => new WitnessState(broken, 'w+01020304')).toThrow(
      `${broken} is not a witness state file (its log "log.example/a"): restore it from a copy; starting over with an empty one would forget what this witness cosigned`,
    )
    writeFileSync(broken, 'not json')
    expect(() => new WitnessState(broken, 'w+01020304')).toThrow(`${broken} is not a witness state file:`)
  })

  it('writes one JSON line per event to the log beside the state', () => {
    const path = fresh()
    const state = new WitnessState(path, 'w+01020304')
    state.log({ event: 'cosigned', size: 5 }, AT)
    state.log({ event: 'refused', status: 422 }, AT)
    expect(readFileSync(`${path}.log`, 'utf8')).toBe(
      `{"at":"${AT.toISOString()}","event":"cosigned","size":5}\n{"at":"${AT.toISOString()}","event":"refused","status":422}\n`,
    )
  })
})
