// The admin's first minutes: a wrong password is refused in Chinese, then the overview shows
// the server's counts and the devices page lists the registered phones with what each reported
// it still holds to send.

import { signIn, withConsole } from './browser.mjs'

await withConsole(async ({ page, baseUrl, shot }) => {
  await signIn(page, baseUrl, 'admin', 'not-the-password')
  const loginError = await page.locator('.el-alert__title').innerText()
  await shot('login-refused')

  await signIn(page, baseUrl, 'admin', process.env.CGT_DEMO_PASSWORD)
  await page.waitForSelector('text=欢迎')
  await page.waitForSelector('.el-statistic')
  const statistics = {}
  for (const stat of await page.locator('.el-statistic').all()) {
    const title = (await stat.locator('.el-statistic__head').innerText()).trim()
    statistics[title] = (await stat.locator('.el-statistic__content').innerText()).trim()
  }
  await shot('overview')

  await page.click('text=设备管理')
  await page.waitForSelector('.el-table__row')
  const deviceUsers = await page.locator('.el-table__row td:first-child').allInnerTexts()
  const firstRow = page.locator('.el-table__row').first()
  const pending = {}
  for (const name of ['reports', 'photos', 'segments', 'failed', 'reported']) {
    pending[name] = (await firstRow.locator(`.pending-${name}`).innerText()).trim()
  }
  await shot('devices')

  const menu = await page.locator('.el-menu-item').allInnerTexts()
  return { loginError, statistics, deviceUsers, pending, menu }
})
