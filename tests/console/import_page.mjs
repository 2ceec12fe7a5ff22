// 数据导入 as the admin uses it: work grids from CSV, checked and confirmed; unit grids from a
// zipped Shapefile in EPSG:4549 with mistakes, shown as a report and on the map and refused;
// the corrected file checked and confirmed; the unit grids then exported as a GeoPackage.

import { signIn, withConsole } from './browser.mjs'

const texts = (locator) => locator.allInnerTexts().then((all) => all.map((t) => t.trim()))

/** Chooses `file` for `layer` and runs the dry run; the report's first alert. */
async function check(page, layer, crs, file) {
  await page.click(`.el-radio-button:has-text("${layer}")`)
  await page.fill('input[name=crs]', crs)
  await page.setInputFiles('input[name=import-file]', file)
  await page.click('.check')
  const alert = page.locator('.applied, .blocked, .passed, .failure').first()
  await alert.waitFor()
  return (await alert.innerText()).trim()
}

async function confirm(page) {
  await page.click('.confirm')
  const applied = page.locator('.applied')
  await applied.waitFor()
  return (await applied.innerText()).trim()
}

await withConsole(async ({ page, baseUrl, shot }) => {
  await signIn(page, baseUrl, 'admin', process.env.CGT_DEMO_PASSWORD)
  await page.waitForSelector('text=欢迎')
  await page.click('.el-menu-item:has-text("数据导入导出")')
  await page.waitForSelector('input[name=import-file]')

  const workGridsChecked = await check(page, '工作网格', '', process.env.CGT_WORK_GRIDS)
  const workGridsApplied = await confirm(page)

  const wrongChecked = await check(page, '单元网格', 'EPSG:4549', process.env.CGT_WRONG_GRIDS)
  await page.waitForSelector('.problem-map canvas')
  const confirmDisabled = await page.locator('.confirm').isDisabled()
  const problemKinds = await texts(page.locator('.problems .el-table__row td:nth-child(2)'))
  const summary = (await page.locator('.summary').innerText()).replace(/\s+/g, ' ')
  await page.locator('.problem-map').scrollIntoViewIfNeeded()
  await shot('import-problems')

  const fixedChecked = await check(page, '单元网格', 'EPSG:4549', process.env.CGT_GRIDS)
  const gridsApplied = await confirm(page)
  await shot('import-applied')

  await page.fill('input[name=export-crs]', 'EPSG:4549')
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('.export')])
  const exported = download.suggestedFilename()
  const exportedBytes = (await import('node:fs')).statSync(await download.path()).size
  return {
    exported,
    exportedBytes,
    workGridsChecked,
    workGridsApplied,
    wrongChecked,
    confirmDisabled,
    problemKinds,
    summary,
    fixedChecked,
    gridsApplied,
  }
})
