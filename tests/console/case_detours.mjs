// The loop's detours in the console: the operator enters a video capture with the 案件录入
// form; it is accepted, registered and dispatched; the department asks for an extension
// (申请延期) and the dispatcher approves it; the department returns the case (回退) as not
// theirs and the dispatcher re-dispatches it, puts it on hold (挂账) and resumes it; the
// leader flags it (督办) and finds it on the 督办案件 page.

import { withConsole } from './browser.mjs'
import { act, actInPlace, as, buttons, openCase, status } from './caseLoop.mjs'

const DESCRIPTION = '视频抓拍：人民路占道经营，摊位堵塞人行道'
await withConsole(async ({ page, baseUrl, shot }) => {
  const note = (text) => () => page.fill('.el-dialog textarea[name=note] >> visible=true', text)
  await as(page, baseUrl, 'operator1')
  await page.click('.el-menu-item:has-text("案件录入")')
  await page.click('.entry .el-radio:has-text("视频抓拍")')
  await page.fill('.entry textarea', DESCRIPTION)
  await shot('entry')
  await page.click('.entry button:has-text("录入")')
  await page.waitForSelector('.facts .status')
  const id = page.url().split('/cases/')[1]
  const entered = await status(page)
  await act(page, 'accept', note('视频核实无误'))

  await as(page, baseUrl, 'shiftlead1')
  await openCase(page, baseUrl, id)
  await act(page, 'register')

  await as(page, baseUrl, 'dispatcher1')
  await openCase(page, baseUrl, id)
  await act(page, 'dispatch', () => page.waitForSelector('.el-dialog .department >> text=环卫处'))

  await as(page, baseUrl, 'handler2')
  await openCase(page, baseUrl, id)
  const handlerButtons = await buttons(page)
  const requested = await actInPlace(page, 'request_extension', async () => {
    await page.fill('.el-dialog .el-input-number input >> visible=true', '16')
    await note('需协调城管中队联合执法')()
  })

  await as(page, baseUrl, 'dispatcher1')
  await openCase(page, baseUrl, id)
  const approved = await actInPlace(page, 'approve_extension', note('同意延期 16 工时'))

  await as(page, baseUrl, 'handler2')
  await openCase(page, baseUrl, id)
  const returned = await act(page, 'return', () => page.fill('.el-dialog input[name=reason] >> visible=true', '占道经营属市场监管职责'))

  await as(page, baseUrl, 'dispatcher1')
  await openCase(page, baseUrl, id)
  const redispatched = await act(page, 'dispatch', () => page.waitForSelector('.el-dialog .department >> text=环卫处'))
  const held = await actInPlace(page, 'hold', note('等待联合执法排期'))
  const onHoldButtons = await buttons(page)
  const onHoldFlags = await page.locator('.facts .flag').allInnerTexts()
  await shot('on-hold')
  const resumed = await actInPlace(page, 'resume', note('排期已定'))

  await as(page, baseUrl, 'leader1')
  await openCase(page, baseUrl, id)
  const supervised = await actInPlace(page, 'supervise', note('群众反映强烈，请加快办理'))
  const history = await page.locator('.history .kind').allInnerTexts()
  await shot('detail-detours')
  await page.click('.el-menu-item:has-text("督办案件")')
  const row = page.locator('.el-table__row', { hasText: '人民路占道经营' })
  await row.waitFor()
  const supervisionRow = await row.innerText()
  await shot('supervision')

  return {
    id, entered, handlerButtons, requested, approved, returned, redispatched, held, onHoldButtons, onHoldFlags,
    resumed, supervised, history, supervisionRow,
  }
})
