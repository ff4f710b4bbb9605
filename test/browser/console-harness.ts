// Shared by the console's browser tests: a site with three editors who sign in and one who is told by email, the
// two-person rule on (or off), moving through the console by the keyboard alone, versions seeded through the admin
// API, waiting for the ledger's messages to go out, and the console's screenshots.
import { readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator, Page, Response } from 'playwright-core'
import { expect } from 'vitest'
import { newToken } from '../../src/core/editors.ts'
import { keyOf } from '../../src/core/keys.ts'
import type { LedgerEvent } from '../../src/core/ledger-types.ts'
import { isoInZone, wallTimeIn } from '../../src/core/time.ts'
import { TEST_EDITORS, TEST_REVIEWER } from '../fixtures/editors.ts'
import { artifactDir, type Site, startSite, type ViewportName } from './harness.ts'

/** Editors who sign in; drlee is the reviewer, who approves what content/review-rules.json gives reviewers to approve. */
export const CONSOLE_EDITORS = ['alice', 'bob', 'carol', 'drlee'] as const
export type EditorName = (typeof CONSOLE_EDITORS)[number]

/** The reviewer as pages show them (test/fixtures/editors.ts). */
export { TEST_REVIEWER }

/**
 * An editor who never signs in here (her token is thrown away) and whose name is her address, so the ledger tells
 * her by email of what it tells every editor; the local Email Service binding accepts every message.
 */
export const TOLD_EDITOR = 'dana@example.org'

export { keyOf }

/**
 * The site with alice, bob, carol and the reviewer drlee as editors (token sign-in), dana told by email, and every
 * change needing a second editor unless `requireApproval` is false; its store seeded through the ledger as
 * `npm start` does (so each disclaimer starts at a recorded version).
 */
export async function startConsoleSite({ requireApproval = true } = {}): Promise<Site> {
  const site = await startSite({
    editors: {
      ...Object.fromEntries(CONSOLE_EDITORS.map((name) => [name, TEST_EDITORS[name].token])),
      [TOLD_EDITOR]: newToken(),
    },
    reviewers: { drlee: { name: TEST_REVIEWER.name, credentials: TEST_REVIEWER.credentials } },
    requireApproval: String(requireApproval),
    disclaimers: {},
  })
  const { body } = await admin(site, 'carol', '/seed', { method: 'POST', body: '{}' })
  expect((body.seeded as unknown[]).length, 'every bundled default seeded').toBeGreaterThan(0)
  return site
}

/** SITE_TIME_ZONE as the served Worker has it (wrangler.toml's [vars]): the zone editors give go-live times in. */
export async function siteZone(site: Site): Promise<string> {
  const { SITE_TIME_ZONE } = await site.miniflare.getBindings<{ SITE_TIME_ZONE?: string }>('site')
  if (!SITE_TIME_ZONE) throw new Error('the served Worker has no SITE_TIME_ZONE')
  return SITE_TIME_ZONE
}

/**
 * A go-live time as an editor types it into the console's datetime-local field (`2026-12-04T09:30`, wall-clock time
 * in `zone`): the first whole minute at least `aheadMs` from now (negative: ago) that names one instant. A time the
 * clocks repeat when they go back names two, and the console refuses it.
 */
export function wallTimeAhead(zone: string, aheadMs: number): string {
  for (let instant = Math.ceil((Date.now() + aheadMs) / 60_000) * 60_000; ; instant += 60_000) {
    const wall = isoInZone(instant, zone).slice(0, 16)
    if (wallTimeIn(wall, zone).ok) return wall
  }
}

export function tokenOf(editor: EditorName): string {
  return TEST_EDITORS[editor].token
}

/**
 * Presses Tab (Shift+Tab with `backwards`) until `target` has focus, as a keyboard user moves, and checks the
 * focused control shows a focus outline. Fails when `limit` presses do not reach it.
 */
export async function tabTo(page: Page, target: Locator, { backwards = false, limit = 60 } = {}): Promise<number> {
  await target.waitFor({ state: 'visible', timeout: 10_000 })
  const element = await target.elementHandle()
  for (let presses = 1; presses <= limit; presses++) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab')
    const outline = await element?.evaluate((node) =>
      node === document.activeElement ? getComputedStyle(node as Element).outlineStyle : null,
    )
    if (outline !== null && outline !== undefined) {
      expect(outline, `${target}: a visible focus outline`).not.toBe('none')
      return presses
    }
  }
  const focused = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120))
  throw new Error(
    `${limit} presses of ${backwards ? 'Shift+Tab' : 'Tab'} did not reach ${target}; focus is on ${focused}`,
  )
}

/**
 * Presses Enter or Space on the focused control and waits for the document it leads to (after any redirect);
 * returns that document's response.
 */
export async function pressFor(page: Page, key: 'Enter' | 'Space'): Promise<Response> {
  const response = page.waitForResponse(
    (candidate) =>
      candidate.request().isNavigationRequest() &&
      candidate.frame() === page.mainFrame() &&
      (candidate.status() < 300 || candidate.status() >= 400),
  )
  const committed = page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame())
  await page.keyboard.press(key)
  const [answer] = await Promise.all([response, committed])
  await page.waitForLoadState('load')
  return answer
}

/** Follows the link named `name` by Tab and Enter (or Space); returns the response to the page it leads to. */
export async function follow(page: Page, name: string | RegExp, key: 'Enter' | 'Space' = 'Enter') {
  const target = page.getByRole('link', { name, exact: typeof name === 'string' })
  await tabTo(page, target)
  return pressFor(page, key)
}

/** Presses the button named `button` after reaching it by Tab; returns the response to the page it leads to. */
export async function press(page: Page, button: string, key: 'Enter' | 'Space') {
  await tabTo(page, page.getByRole('button', { name: button, exact: true }))
  return pressFor(page, key)
}

/** Types `paragraph` as the first paragraph of a field, where Tab leaves the caret (the start); returns the text. */
export async function typeParagraph(page: Page, label: string, paragraph: string): Promise<string> {
  const field = page.getByLabel(label, { exact: true })
  await tabTo(page, field)
  const before = await field.inputValue()
  await page.keyboard.type(before ? `${paragraph}\n\n` : paragraph)
  const text = await field.inputValue()
  expect(text, 'the paragraph went in at the start').toBe(before ? `${paragraph}\n\n${before}` : paragraph)
  return text
}

/**
 * Types a wall-clock time (`2027-03-14T02:30`) into the datetime-local field labelled `label`, reached by Tab, as a
 * keyboard user does in Chromium with US English: month and day, the year, Tab to the hour (the year takes up to six
 * digits, so it does not move on by itself), hour and minute on the 12-hour clock, then A or P. Checks the field
 * then holds that time.
 */
export async function typeWallTime(page: Page, label: string, wall: string): Promise<void> {
  const field = page.getByLabel(label, { exact: true })
  await tabTo(page, field)
  const [, year, month, day, hour, minute] = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)$/.exec(wall) ?? []
  if (!minute) throw new Error(`${wall} is not a time such as 2027-03-14T02:30`)
  const hour12 = Number(hour) % 12 || 12
  await page.keyboard.type(`${month}${day}${year}`)
  await page.keyboard.press('Tab')
  await page.keyboard.type(`${String(hour12).padStart(2, '0')}${minute}${Number(hour) < 12 ? 'A' : 'P'}`)
  await expect(field.inputValue(), `${label}: the keys typed make the time meant`).resolves.toBe(wall)
}

/** Opens the console at its address, as an editor types it, and signs in on the form with Tab, typing and Enter. */
export async function signInByKeyboard(page: Page, site: Site, editor: EditorName): Promise<void> {
  await page.goto(site.at('/console'))
  expect(page.url(), 'the console sends a signed-out editor to the sign-in page').toBe(site.at('/console/sign-in'))
  await tabTo(page, page.getByLabel('Your editor token'))
  await page.keyboard.type(tokenOf(editor))
  const response = await pressFor(page, 'Enter')
  expect(response.status()).toBe(200)
  expect(page.url()).toBe(site.at('/console'))
  await expect(page.locator('.console-user').textContent()).resolves.toContain(`Signed in as ${editor}`)
}

/**
 * Sends a form the page's own markup does not offer (a forged request), built in the page over the DevTools
 * protocol, which the page's CSP does not govern; returns the response to it.
 */
export async function postForm(page: Page, action: string, fields: Record<string, string> = {}): Promise<Response> {
  const response = page.waitForResponse(
    (candidate) => candidate.request().isNavigationRequest() && candidate.frame() === page.mainFrame(),
  )
  const committed = page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame())
  await page.evaluate(
    ({ action, fields }) => {
      const form = document.createElement('form')
      form.method = 'post'
      form.action = action
      for (const [name, value] of Object.entries(fields)) {
        const input = document.createElement('input')
        input.type = 'hidden'
        input.name = name
        input.value = value
        form.append(input)
      }
      document.body.append(form)
      form.submit()
    },
    { action, fields },
  )
  const [answer] = await Promise.all([response, committed])
  await page.waitForLoadState('load')
  return answer
}

/** Signs in through the form with the mouse and `fill`, for tests that are not about the keyboard. */
export async function signIn(page: Page, site: Site, editor: EditorName): Promise<void> {
  await page.goto(site.at('/console/sign-in'))
  await page.getByLabel('Your editor token').fill(tokenOf(editor))
  await Promise.all([page.waitForURL(site.at('/console')), page.getByRole('button', { name: 'Sign in' }).click()])
}

/** The session cookie an editor gets from the sign-in form, as `name=value`. */
export async function sessionCookie(site: Site, editor: EditorName): Promise<string> {
  const response = await fetch(site.at('/console/sign-in'), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: site.origin },
    body: new URLSearchParams({ token: tokenOf(editor) }),
  })
  expect(response.status).toBe(303)
  const cookie = (response.headers.get('Set-Cookie') ?? '').split(';')[0] ?? ''
  expect(cookie).toMatch(/^console_session=/)
  return cookie
}

async function admin(site: Site, editor: EditorName, path: string, init: RequestInit = {}) {
  const response = await fetch(site.at(`/admin${path}`), {
    ...init,
    headers: {
      Authorization: `Bearer ${tokenOf(editor)}`,
      'Content-Type': 'application/json',
      ...(init.headers as Record<string, string>),
    },
  })
  const body = (await response.json()) as Record<string, unknown>
  if (!response.ok) {
    throw new Error(`${init.method ?? 'GET'} /admin${path} answered ${response.status}: ${JSON.stringify(body)}`)
  }
  return { response, body }
}

/**
 * Makes each text live on `target` in turn through the admin API, proposed by bob and approved by carol (the
 * two-person rule); returns the version numbers, oldest first.
 */
export async function seedVersions(site: Site, target: string, texts: string[]): Promise<number[]> {
  const versions: number[] = []
  for (const text of texts) {
    const { response } = await admin(site, 'bob', `/disclaimers/${target}`)
    const etag = response.headers.get('ETag')
    const { body } = await admin(site, 'bob', `/disclaimers/${target}/proposals`, {
      method: 'POST',
      headers: etag ? { 'If-Match': etag } : { 'If-None-Match': '*' },
      body: JSON.stringify({ text, note: 'seeded by the browser test' }),
    })
    const id = (body.proposal as { id: number }).id
    const approved = await admin(site, 'carol', `/proposals/${id}/approve`, { method: 'POST', body: '{}' })
    versions.push((approved.body.version as { version: number }).version)
  }
  return versions
}

/** Every event the ledger recorded, newest first, with its deliveries (from the admin API). */
async function ledgerEvents(site: Site): Promise<LedgerEvent[]> {
  const { body } = await admin(site, 'carol', '/notifications?limit=500')
  return body.events as LedgerEvent[]
}

/**
 * Waits until the ledger's alarm has sent every message it has recorded (Email Service accepted each), and returns
 * the events. The ledger sends at once; `limitMs` only bounds how long a broken delivery can hold the test, which
 * then fails naming each message still pending and its last error.
 */
export async function allDelivered(site: Site, limitMs = 60_000): Promise<LedgerEvent[]> {
  const started = Date.now()
  for (;;) {
    const events = await ledgerEvents(site)
    const pending = events.flatMap((event) =>
      event.deliveries
        .filter((delivery) => delivery.status !== 'sent')
        .map(
          (delivery) => `${event.kind} → ${delivery.recipient}: ${delivery.attempts} attempt(s), ${delivery.lastError}`,
        ),
    )
    if (pending.length === 0) return events
    if (Date.now() - started > limitMs) throw new Error(`messages still not sent:\n${pending.join('\n')}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** The text KV holds for a target: what the ledger made live. */
export function liveText(site: Site, target: string): Promise<string | null> {
  return site.kv.get(keyOf(target), 'text')
}

export function consoleShotsDir(): string {
  return artifactDir('console')
}

export function clearScreenshots(): void {
  rmSync(consoleShotsDir(), { recursive: true, force: true })
  consoleShotsDir()
}

/** A full-page PNG of `page` as it is now, at artifacts/console/<name>-<viewport>.png. */
export async function screenshot(page: Page, name: string, viewport: ViewportName): Promise<string> {
  const path = join(consoleShotsDir(), `${name}-${viewport}.png`)
  await page.screenshot({ path, fullPage: true, animations: 'disabled' })
  return path
}

/** Every PNG under artifacts/console/ with its size, one a line. */
export function screenshotList(): string {
  const dir = consoleShotsDir()
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.png'))
    .sort()
  const lines = files.map((name) => {
    const bytes = statSync(join(dir, name)).size
    return `${`artifacts/console/${name}`.padEnd(58)}${(bytes / 1024).toFixed(1).padStart(8)} KiB`
  })
  const total = files.reduce((sum, name) => sum + statSync(join(dir, name)).size, 0)
  return [...lines, `${files.length} files, ${(total / 1024).toFixed(1)} KiB in all`].join('\n')
}
