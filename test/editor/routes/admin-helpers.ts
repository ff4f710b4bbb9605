// The admin API as the route tests call it: a bearer token, a client address of the test's own, JSON bodies.
import { bearer, type TestEditor } from '../../fixtures/editors.ts'
import { request } from '../../helpers.ts'

export type Json = Record<string, unknown>

let address = 0

/** Moves to a client address no earlier test used, so no rate-limit count leaks between tests. */
export function newClientAddress(): void {
  address++
}

/** The current test's client address number. */
export function clientAddress(): number {
  return address
}

export function headersOf(editor: TestEditor, extra: Record<string, string> = {}): Record<string, string> {
  return { ...bearer(editor), 'CF-Connecting-IP': `203.0.113.${address}`, ...extra }
}

export function admin(path: string, init: RequestInit = {}) {
  return request(`/admin${path}`, init)
}

export function get(path: string, editor: TestEditor = 'carol', extra: Record<string, string> = {}) {
  return admin(path, { headers: { ...headersOf(editor), ...extra } })
}

/** A write with a JSON body (an object, or raw JSON text sent as it is). */
export function send(
  method: 'PUT' | 'POST',
  path: string,
  body: Json | string,
  editor: TestEditor,
  precondition: Record<string, string> = {},
) {
  return admin(path, {
    method,
    headers: headersOf(editor, { 'Content-Type': 'application/json', ...precondition }),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

export function put(target: string, body: Json | string, editor: TestEditor, precondition: Record<string, string>) {
  return send('PUT', `/disclaimers/${target}`, body, editor, precondition)
}
