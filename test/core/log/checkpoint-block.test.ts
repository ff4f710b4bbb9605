import { describe, expect, it } from 'vitest'
import { findCheckpointNotes } from '../../../src/core/log/checkpoint-block.ts'
import vectors from './vectors.json'

const { notes } = vectors
const signed = notes.signedByLog
const cosigned = notes.cosigned

describe('findCheckpointNotes', () => {
  it('finds a signed checkpoint in a message, as written', () => {
    const message = `Hello,\n\nbob approved it.\n\nThe log's signed checkpoint:\n\n${cosigned}\n--\nSent by the disclaimer ledger.\n`
    expect(findCheckpointNotes(message)).toEqual([cosigned])
  })

  it('finds it quoted in a reply, indented, or with Windows line endings', () => {
    const quoted = `On Monday the ledger wrote:\n${signed
      .split('\n')
      .slice(0, -1)
      .map((line) => (line ? `> ${line}` : '>'))
      .join('\n')}\n\nThanks.`
    expect(findCheckpointNotes(quoted)).toEqual([signed])
    const indented = `Checkpoint:\n${signed
      .split('\n')
      .slice(0, -1)
      .map((line) => (line ? `    ${line}` : ''))
      .join('\n')}\nend`
    expect(findCheckpointNotes(indented)).toEqual([signed])
    expect(findCheckpointNotes(`x\r\n${signed.replaceAll('\n', '\r\n')}`)).toEqual([signed])
  })

  it('finds every checkpoint in a thread, in order, and keeps extension lines', () => {
    const extended = signed.replace('\n\n', '\nextension one\n\n')
    expect(findCheckpointNotes(`${signed}\nthen later\n\n${extended}`)).toEqual([signed, extended])
  })

  it('finds nothing where a block is not a checkpoint or has no signature', () => {
    const text = notes.checkpointText
    expect(findCheckpointNotes(text)).toEqual([])
    expect(findCheckpointNotes(`${text}\nno signature here\n`)).toEqual([])
    expect(findCheckpointNotes(signed.replace('\n13\n', '\n013\n'))).toEqual([])
    expect(findCheckpointNotes(signed.replace(/\n([A-Za-z0-9+/]{43}=)\n/, '\nAAAA\n'))).toEqual([])
    expect(findCheckpointNotes('Record checkpoint: the chain stood at row 3, 40d76467.')).toEqual([])
  })
})
