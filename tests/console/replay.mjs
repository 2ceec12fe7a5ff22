// The patrol supervisor's replay: the inspector appears among the people on shift; picking
// them shows the day's figures and the path on the map; playing moves the time slider.

import { signIn, withConsole } from './browser.mjs'

await withConsole(async ({ page, baseUrl, shot }) => {
  await signIn(page, baseUrl, 'supervisor1', process.env.CGT_DEMO_PASSWORD)
  await page.waitForSelector('text=欢迎')
  await page.click('text=轨迹回放')
  await page.waitForSelector('.online .person')
  const online = await page.locator('.online .person').allInnerTexts()

  await page.click('.online .person >> text=inspector01')
  await page.waitForSelector('.figures .el-statistic')
  const figures = {}
  for (const stat of await page.locator('.figures .el-statistic').all()) {
    const title = (await stat.locator('.el-statistic__head').innerText()).trim()
    figures[title] = (await stat.locator('.el-statistic__content').innerText()).trim()
  }
  await page.waitForTimeout(500)
  await shot('replay-start')

  const slider = page.locator('.player .el-slider__runway')
  const box = await slider.boundingBox()
  await page.mouse.click(box.x + box.width * 0.5, box.y + box.height / 2)
  await page.waitForTimeout(300)
  const clock = (await page.locator('.player .clock').innerText()).trim()
  await shot('replay-midway')

  const mapCanvases = await page.evaluate(() => document.querySelectorAll('.map canvas').length)
  return { online, figures, clock, mapCanvases }
})
