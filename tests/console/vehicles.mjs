// The supervisor watches the fleet: the day's alarms are listed; choosing one shows its
// evidence positions on the map.

import { signIn, withConsole } from './browser.mjs'

await withConsole(async ({ page, baseUrl, shot }) => {
  await signIn(page, baseUrl, 'supervisor1', process.env.CGT_DEMO_PASSWORD)
  await page.waitForSelector('text=欢迎')
  await page.click('text=车辆监管')
  await page.waitForSelector('.alarms .el-table__row')
  const vehicles = await page.locator('.vehicles .el-table__row td:first-child').allInnerTexts()
  const alarms = []
  for (const row of await page.locator('.alarms .el-table__row').all()) {
    alarms.push((await row.locator('td').allInnerTexts()).map((t) => t.trim()))
  }
  await page.locator('.alarms .el-table__row').first().click()
  await page.waitForSelector('text=证据：')
  const evidence = (await page.locator('.evidence').innerText()).trim()
  await page.waitForTimeout(500)
  await shot('vehicle-alarm')
  return { vehicles, alarms, evidence }
})
