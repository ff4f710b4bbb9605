import { env } from 'cloudflare:workers'
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import type { Outgoing } from '../../../src/ledger/context.ts'
import { sendingNotifier, webhookBody, webhookHeaders } from '../../../src/ledger/notify/send.ts'

const SECRET = `whsec_${btoa('a secret only the receiver and the ledger hold')}`

function outgoing(channel: 'email' | 'webhook', to = 'bob@example.org'): Outgoing {
  return {
    channel,
    to,
    from: 'disclaimers@example.org',
    subject: '[Disclaimers] v7 of the global disclaimer is live (publish by alice)',
    text: 'v7 of the global disclaimer is live.',
    messageId: '<event-3.email-1@example.org>',
    event: {
      id: 3,
      at: '2026-12-04T10:00:00.000Z',
      kind: 'version_live',
      key: 'disclaimer',
      target: 'global',
      version: 7,
      proposalId: null,
      actor: 'alice',
      detail: {},
      deliveries: [],
    },
  }
}

describe('sendingNotifier', () => {
  it('hands an email to the real EMAIL binding, which Miniflare accepts, and answers the id it was sent under', async () => {
    const sent = await sendingNotifier(env).send(outgoing('email'))
    expect(sent).toMatch(/@example\.org>?$/)
  })

  it('puts its own id in an X- header, since Email Service sets Message-ID itself and refuses one from the sender', async () => {
    const calls: EmailMessageBuilder[] = []
    const recording = {
      send: async (builder: EmailMessageBuilder) => {
        calls.push(builder)
        return { messageId: '<x@example.org>' }
      },
    }
    await sendingNotifier({ EMAIL: recording as unknown as SendEmail }).send(outgoing('email'))
    expect(calls[0]?.headers).toEqual({ 'X-Disclaimer-Message-Id': '<event-3.email-1@example.org>' })
    expect(Object.keys(calls[0]?.headers ?? {}).map((name) => name.toLowerCase())).not.toContain('message-id')
  })

  it('says what is missing when there is no EMAIL binding', async () => {
    await expect(sendingNotifier({}).send(outgoing('email'))).rejects.toThrow('there is no EMAIL binding')
  })

  it('posts the event as signed JSON to an https webhook, and fails on an error answer so it is retried', async () => {
    const posted: Request[] = []
    const post = (async (input: RequestInfo | URL, init?: RequestInit) => {
      posted.push(new Request(input, init))
      return new Response(null, { status: posted.length === 1 ? 503 : 204 })
    }) as typeof fetch
    const settings = { ALERT_WEBHOOK_URL: 'https://hooks.example.org/disclaimers', ALERT_WEBHOOK_SECRET: SECRET }
    const notifier = sendingNotifier(settings, post)
    await expect(notifier.send(outgoing('webhook', 'webhook'))).rejects.toThrow('the webhook answered 503')
    await expect(notifier.send(outgoing('webhook', 'webhook'))).resolves.toBeUndefined()
    const request = posted[1] as Request
    const body = await request.text()
    expect(JSON.parse(body)).toMatchObject({
      type: 'version_live',
      version: 7,
      text: 'v7 of the global disclaimer is live.',
    })
    const headers = Object.fromEntries(request.headers)
    expect(new Webhook(SECRET).verify(body, headers)).toMatchObject({ type: 'version_live' })
    await expect(
      sendingNotifier({ ...settings, ALERT_WEBHOOK_URL: 'http://hooks.example.org' }, post).send(
        outgoing('webhook', 'webhook'),
      ),
    ).rejects.toThrow('not an https address')
  })
})

describe('a webhook that does not answer', () => {
  it('is given up after the timeout, a failed attempt retried later, never an alarm left waiting', async () => {
    let signal: AbortSignal | undefined
    const post = ((_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        signal = init?.signal ?? undefined
        signal?.addEventListener('abort', () => reject(signal?.reason))
      })) as typeof fetch
    const settings = { ALERT_WEBHOOK_URL: 'https://hooks.example.org/disclaimers', ALERT_WEBHOOK_SECRET: SECRET }

    await expect(sendingNotifier(settings, post, 50).send(outgoing('webhook', 'webhook'))).rejects.toThrow(
      /timed out|timeout/i,
    )

    expect(signal?.aborted).toBe(true)
  })
})

describe('webhookHeaders', () => {
  it('signs so that the Standard Webhooks library verifies it with the secret, and refuses it with another', async () => {
    const body = webhookBody(outgoing('webhook', 'webhook'))
    const headers = await webhookHeaders(SECRET, 'event-3.webhook-1', body)
    expect(new Webhook(SECRET).verify(body, headers)).toMatchObject({ type: 'version_live' })
    const other = `whsec_${btoa("someone else's secret")}`
    expect(() => new Webhook(other).verify(body, headers)).toThrow()
    expect(() => new Webhook(SECRET).verify(body.replace('v7', 'v8'), headers)).toThrow()
  })
})
