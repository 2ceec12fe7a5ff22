// Steps of the case-loop scenarios: signing in as another user, opening a case, and taking
// an action through its button and form.

import { signIn } from './browser.mjs'

/** Signs out whoever is signed in and signs in `username` with the demo password. */
export async function as(page, baseUrl, username) {
  await page.goto(`${baseUrl}/console/#/login`)
  await page.evaluate(() => sessionStorage.clear())
  await page.reload()
  await signIn(page, baseUrl, username, process.env.CGT_DEMO_PASSWORD)
  await page.waitForSelector('text=欢迎')
}

export async function openCase(page, baseUrl, id) {
  await page.goto(`${baseUrl}/console/#/cases/${id}`)
  await page.waitForSelector('.facts .status')
}

export const status = (page) => page.locator('.facts .status').innerText()

export async function buttons(page) {
  await page.waitForSelector('.actions')
  return page.locator('.actions [data-action]').evaluateAll((all) => all.map((b) => b.dataset.action))
}

/** Opens the action's form, lets `fill` complete it, confirms, and waits for the new status. */
export async function act(page, action, fill = async () => {}) {
  const before = await status(page)
  await page.click(`.actions [data-action=${action}]`)
  await page.waitForSelector('.el-dialog .confirm >> visible=true')
  await fill()
  await page.click('.el-dialog .confirm >> visible=true')
  await page.waitForSelector('.el-message--success')
  await page.waitForFunction((old) => document.querySelector('.facts .status')?.textContent !== old, before)
  await page.waitForSelector('.el-message--success', { state: 'detached', timeout: 10000 }).catch(() => {})
  return status(page)
}

/** Like `act` for a step that leaves the status as it is (延期, 挂账, 督办): waits for the
 *  history to grow instead; answers the newest history entry's kind. */
export async function actInPlace(page, action, fill = async () => {}) {
  const steps = await page.locator('.history .kind').count()
  await page.click(`.actions [data-action=${action}]`)
  await page.waitForSelector('.el-dialog .confirm >> visible=true')
  await fill()
  await page.click('.el-dialog .confirm >> visible=true')
  await page.waitForSelector('.el-message--success')
  await page.waitForFunction((n) => document.querySelectorAll('.history .kind').length > n, steps)
  await page.waitForSelector('.el-message--success', { state: 'detached', timeout: 10000 }).catch(() => {})
  return page.locator('.history .kind').last().innerText()
}
