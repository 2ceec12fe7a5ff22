// 冲突处理 in the console: the admin opens the conflicts page, picks the case, reads both sides
// (the device's offline 核查 result, the centre's reassignment), adopts the device's result and
// sees the history keep the reassignment, struck through.

import { as, status } from './caseLoop.mjs'
import { withConsole } from './browser.mjs'

await withConsole(async ({ page, baseUrl, shot }) => {
  await as(page, baseUrl, 'admin')
  await page.click('.el-menu-item:has-text("冲突处理")')
  await page.click('.cases .el-table__row')
  await page.waitForSelector('.conflict .device-action')
  await page.waitForSelector('.conflict .photos img')
  const deviceAction = (await page.locator('.conflict .device-action').innerText()).trim()
  const deviceSide = await page.locator('.device-side').innerText()
  const centreSteps = await page.locator('.centre-side .el-table__row').allInnerTexts()
  const statusBefore = await status(page)
  await shot('conflict')

  await page.fill('textarea[name=conflict-note]', '核查在改派前已完成，采纳设备结果')
  await page.click('[data-outcome=adopt]')
  await page.waitForSelector('.el-message--success')
  await page.waitForFunction((old) => document.querySelector('.facts .status')?.textContent !== old, statusBefore)
  const statusAfter = await status(page)
  const setAside = await page.locator('.history .superseded .kind').allInnerTexts()
  const outcomes = await page.locator('.history .outcome').allInnerTexts()
  const panelGone = (await page.locator('.conflict-card').count()) === 0
  await shot('conflict-adopted')
  return { deviceAction, deviceSide, centreSteps, statusBefore, statusAfter, setAside, outcomes, panelGone }
})
