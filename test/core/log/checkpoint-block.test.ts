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

  it('reads lines ended by a lone carriage return', () => {
    expect(findCheckpointNotes(`x\r${signed.replaceAll('\n', '\r')}`)).toEqual([signed])
  })

  it('looks through at most 16 extension lines before the blank line', () => {
    const lines = (count: number) => Array.from({ length: count }, (_, i) => `extension ${i + 1}`).join('\n')
    const sixteen = signed.replace('\n\n', `\n${lines(16)}\n\n`)
    expect(findCheckpointNotes(sixteen)).toEqual([sixteen])
    expect(findCheckpointNotes(signed.replace('\n\n', `\n${lines(17)}\n\n`))).toEqual([])
    expect(findCheckpointNotes(signed.replace('\n\n', `\n${lines(17)}\n`))).toEqual([])
  })

  it('finds nothing where the root is not base64 or a signature line is malformed', () => {
    expect(findCheckpointNotes(signed.replace(/\n([A-Za-z0-9+/]{43}=)\n/, '\nnot a root!\n'))).toEqual([])
    expect(findCheckpointNotes(signed.replace(/ [A-Za-z0-9+/]+=*\n$/, ' not base64!\n'))).toEqual([])
  })

  it("does not read a found checkpoint's signature lines again as the start of another", () => {
    const [, root] = /\n([A-Za-z0-9+/]{43}=)\n/.exec(signed) as RegExpExecArray
    const signature = signed.slice(signed.lastIndexOf('— '))
    expect(findCheckpointNotes(`${signed}13\n${root}\n\n${signature}`)).toEqual([signed])
  })
})
