// After the inspector's device passed the 核查: the shift leader closes the case in the
// console; the leader reads the month's evaluation (table, chart, CSV) and the map of open
// cases; the admin's conflicts page is empty.

import { readFile } from 'node:fs/promises'
import { withConsole } from './browser.mjs'
import { act, as, buttons, openCase, status } from './caseLoop.mjs'

const id = process.env.CGT_CASE_ID

await withConsole(async ({ page, baseUrl, shot }) => {
  await as(page, baseUrl, 'shiftlead1')
  await openCase(page, baseUrl, id)
  const statusBeforeClosing = await status(page)
  const closeButtons = await buttons(page)
  const statusAfterClosing = await act(page, 'close', () => page.fill('.el-dialog textarea[name=note] >> visible=true', '核查通过，结案'))
  const history = await page.locator('.history .kind').allInnerTexts()
  const historyPhotos = await page.locator('.history .photos').allInnerTexts()
  await shot('detail-closed')

  await as(page, baseUrl, 'leader1')
  await page.click('.el-menu-item:has-text("综合评价")')
  const row = page.locator('.departments .el-table__row', { hasText: '环卫处' })
  await row.waitFor()
  const cells = await row.locator('td').allInnerTexts()
  const evaluation = {
    环卫处: {
      received: cells[1].trim(),
      closed: cells[3].trim(),
      score: (await row.locator('.score').innerText()).trim(),
      grade: (await row.locator('.grade').innerText()).trim(),
    },
  }
  const month = await page.locator('.month input').inputValue()
  const chartDrawn = (await page.locator('.chart canvas').count()) > 0
  await shot('evaluation')
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('.export')])
  const csv = await readFile(await file.path(), 'utf8')

  await page.click('.el-menu-item:has-text("案件地图")')
  await page.waitForSelector('.map canvas')
  const mapCases = (await page.locator('.summary').innerText()).trim()
  await shot('map')

  await as(page, baseUrl, 'admin')
  await page.click('.el-menu-item:has-text("冲突处理")')
  await page.waitForSelector('.el-table__empty-text')
  const conflicts = (await page.locator('.el-table__empty-text').innerText()).trim()
  await shot('conflicts')

  return { statusBeforeClosing, closeButtons, statusAfterClosing, history, historyPhotos, evaluation, month, chartDrawn, csv, mapCases, conflicts }
})
