// A thread of `verify`: checks the pieces scripts/lib/verify-threads.ts sends it.
import { parentPort } from 'node:worker_threads'
import { checkPiece, type PieceToCheck } from './verify-threads.ts'

parentPort?.on('message', (piece: PieceToCheck) => parentPort?.postMessage(checkPiece(piece)))
