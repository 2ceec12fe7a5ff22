// The centre and the department take a synced report from 已上报 to 待核查 with the console's
// buttons: the operator accepts it, the shift leader registers it, the dispatcher sends it
// where 匹配派遣 suggests, the handler feeds back with an after-photo, the operator sends the
// 核查 task to the grid's inspector.

import { withConsole } from './browser.mjs'
import { act, as, buttons, openCase, status } from './caseLoop.mjs'

const id = process.env.CGT_CASE_ID

await withConsole(async ({ page, baseUrl, shot }) => {
  await as(page, baseUrl, 'operator1')
  await page.click('.el-menu-item:has-text("工作台")')
  const row = page.locator('.el-table__row', { hasText: '观前街东段' })
  await row.waitFor()
  const cells = await row.locator('td').allInnerTexts()
  const operatorQueue = { warning: cells[0].trim(), status: cells[1].trim(), description: cells[3].trim() }
  await shot('queue')

  await row.click()
  await page.waitForSelector('.before .el-image__inner')
  const beforePhotos = await page.locator('.before .el-image__inner').count()
  const operatorButtons = await buttons(page)
  await shot('detail')
  await act(page, 'accept', () => page.fill('.el-dialog textarea[name=note] >> visible=true', '信息完整，予以受理'))

  await as(page, baseUrl, 'shiftlead1')
  await openCase(page, baseUrl, id)
  await act(page, 'register')

  await as(page, baseUrl, 'dispatcher1')
  await openCase(page, baseUrl, id)
  let suggested = ''
  await act(page, 'dispatch', async () => {
    suggested = (await page.locator('.el-dialog .hint >> visible=true').innerText()).trim()
    await page.waitForSelector('.el-dialog .department >> text=环卫处')
  })
  const dispatchedTo = (await page.locator('.facts .department').innerText()).trim()

  await as(page, baseUrl, 'handler2')
  await page.click('.el-menu-item:has-text("工作台")')
  await page.locator('.el-table__row', { hasText: '观前街东段' }).waitFor()
  const handlerQueue = await page.locator('.el-table__row').count()
  await page.locator('.el-table__row', { hasText: '观前街东段' }).click()
  await page.waitForSelector('.facts .status')
  const statusAfterHandling = await act(page, 'handle', async () => {
    await page.setInputFiles('.el-dialog input[name=photo] >> visible=true', process.env.CGT_AFTER_PHOTO)
    await page.waitForSelector('.el-dialog >> text=已上传 1 张')
    await page.fill('.el-dialog textarea[name=note] >> visible=true', '已清运')
  })
  await page.waitForSelector('.after .el-image__inner')
  const afterPhotos = await page.locator('.after .el-image__inner').count()
  await shot('detail-handled')

  await as(page, baseUrl, 'operator1')
  await openCase(page, baseUrl, id)
  const statusAfterCheckTask = await act(page, 'assign_check')

  return {
    operatorQueue,
    operatorButtons,
    beforePhotos,
    suggested,
    dispatchedTo,
    handlerQueue,
    statusAfterHandling,
    afterPhotos,
    statusAfterCheckTask,
    finalStatus: await status(page),
  }
})
