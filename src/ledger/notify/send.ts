// How messages leave: email through Cloudflare Email Service (the EMAIL send_email binding), and, when one is set,
// a JSON copy to ALERT_WEBHOOK_URL signed as Standard Webhooks specifies (HMAC-SHA256 under ALERT_WEBHOOK_SECRET).
import type { Notifier, Outgoing } from '../context.ts'

/** The header that carries the ledger's own id for a message (event and recipient), unchanged across retries. */
export const MESSAGE_ID_HEADER = 'X-Disclaimer-Message-Id'

/** A webhook that has not answered by then is a failed attempt (retried later), never an alarm left waiting. */
export const WEBHOOK_TIMEOUT_MS = 10_000

export interface SendEnv {
  EMAIL?: SendEmail
  ALERT_WEBHOOK_URL?: string
  ALERT_WEBHOOK_SECRET?: string
}

/** Standard Webhooks secrets are `whsec_` and base64; any other secret is used as its UTF-8 bytes. */
function secretBytes(secret: string): Uint8Array {
  if (!secret.startsWith('whsec_')) return new TextEncoder().encode(secret)
  return Uint8Array.from(atob(secret.slice('whsec_'.length)), (char) => char.charCodeAt(0))
}

/**
 * The headers that let a receiver check a webhook came from this ledger and was not changed: `webhook-signature` is
 * `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` (Standard Webhooks).
 */
export async function webhookHeaders(
  secret: string,
  id: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): Promise<Record<string, string>> {
  const key = await crypto.subtle.importKey('raw', secretBytes(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ])
  const signed = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${id}.${timestamp}.${body}`))
  return {
    'Content-Type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1,${btoa(String.fromCharCode(...new Uint8Array(signed)))}`,
  }
}

/** The webhook's JSON: the event, with the message's own words in `text` for chat tools to show. */
export function webhookBody(message: Outgoing): string {
  const { deliveries: _, ...event } = message.event
  return JSON.stringify({ type: event.kind, ...event, subject: message.subject, text: message.text })
}

/**
 * The notifier the ledger uses: the Worker's own EMAIL binding and webhook settings; `post` is the webhook's fetch,
 * given up after `timeoutMs`.
 */
export function sendingNotifier(env: SendEnv, post: typeof fetch = fetch, timeoutMs = WEBHOOK_TIMEOUT_MS): Notifier {
  return {
    async send(message) {
      if (message.channel === 'email') {
        if (!env.EMAIL) throw new Error('there is no EMAIL binding (a [[send_email]] in wrangler.toml) to send with')
        // Email Service sets Message-ID itself and refuses one from the sender; an X- header carries ours, the same on
        // every attempt.
        const { messageId } = await env.EMAIL.send({
          from: message.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          headers: { [MESSAGE_ID_HEADER]: message.messageId },
        })
        return messageId
      }
      const url = env.ALERT_WEBHOOK_URL ?? ''
      if (!url.startsWith('https://')) throw new Error('ALERT_WEBHOOK_URL is not an https address')
      if (!env.ALERT_WEBHOOK_SECRET) throw new Error('ALERT_WEBHOOK_SECRET is not set, so the webhook cannot be signed')
      const body = webhookBody(message)
      const headers = await webhookHeaders(env.ALERT_WEBHOOK_SECRET, message.messageId, body)
      const response = await post(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) })
      if (!response.ok) throw new Error(`the webhook answered ${response.status}`)
      return undefined
    },
  }
}
