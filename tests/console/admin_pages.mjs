// The admin's pages for people and reference data: 用户管理 lists everyone, the new-user dialog
// refuses a short password and a taken username and then creates the user; 基础数据 shows
// departments, categories, grids and components, finds a unit grid's components and adds one.

import { signIn, withConsole } from './browser.mjs'

const texts = (locator) => locator.allInnerTexts().then((all) => all.map((t) => t.trim()))

/** Clicks the dialog's main button and waits for the error it shows. */
async function refusal(page, dialog) {
  await page.click(`${dialog} .el-dialog__footer .el-button--primary`)
  const alert = page.locator(`${dialog} .el-alert__title`)
  await alert.waitFor()
  return (await alert.innerText()).trim()
}

await withConsole(async ({ page, baseUrl, shot }) => {
  const newUser = process.env.CGT_NEW_USERNAME
  const newPassword = process.env.CGT_NEW_PASSWORD
  const newComponent = process.env.CGT_NEW_COMPONENT
  await signIn(page, baseUrl, 'admin', process.env.CGT_DEMO_PASSWORD)
  await page.waitForSelector('text=欢迎')

  // 用户管理
  await page.click('.el-menu-item:has-text("用户管理")')
  await page.waitForSelector('.users .el-table__row')
  const userRows = await page.locator('.users .el-table__row').count()
  const adminRoles = await texts(page.locator('.users .el-table__row:has-text("马超") .role'))
  await shot('users')

  await page.click('.create')
  const dialog = '.user-dialog'
  await page.waitForSelector(`${dialog} input[name=username]`)
  await page.fill(`${dialog} input[name=username]`, 'inspector01')
  await page.fill(`${dialog} input[name=display_name]`, '测试新人')
  await page.click(`${dialog} .el-checkbox:has-text("巡查主管")`)
  await page.fill(`${dialog} input[name=password]`, 'short')
  const shortPassword = await refusal(page, dialog)
  await page.fill(`${dialog} input[name=password]`, newPassword)
  const taken = await refusal(page, dialog)
  await page.fill(`${dialog} input[name=username]`, newUser)
  await shot('user-dialog')
  await page.click(`${dialog} .el-dialog__footer .el-button--primary`)
  const created = page.locator(`.users .el-table__row:has-text("${newUser}")`)
  await created.waitFor()
  const createdRoles = await texts(created.locator('.role'))
  const createdState = (await created.locator('.state').innerText()).trim()
  await shot('user-created')

  // 基础数据
  await page.click('.el-menu-item:has-text("基础数据")')
  await page.waitForSelector('.departments .el-table__row')
  const departments = await texts(page.locator('.departments .el-table__row td:nth-child(3)'))
  await shot('reference-departments')

  await page.click('.reference .el-tabs__item:has-text("问题类别")')
  await page.waitForSelector('.categories .el-table__row')
  const componentCategories = await page.locator('.categories .el-table__row').count()
  await shot('reference-categories')

  await page.click('.reference .el-tabs__item:has-text("网格")')
  await page.waitForSelector('.work-grids .el-table__row')
  const workGrids = await page.locator('.work-grids .el-table__row').count()
  const firstInspector = (await page.locator('.work-grids .el-table__row').first().locator('.el-select').innerText()).trim()
  await page.locator('.work-grids .el-table__row').first().locator('td').first().click()
  await page.waitForSelector('.unit-grids .el-table__row')
  const unitGridCodes = await texts(page.locator('.unit-grids .el-table__row td:first-child'))
  await shot('reference-grids')

  await page.click('.reference .el-tabs__item:has-text("部件")')
  await page.waitForSelector('.components .el-table__row')
  const totalText = (await page.locator('.total').innerText()).trim()
  const grid = unitGridCodes[0]
  await page.fill('input[name=unit-grid]', grid)
  await page.click('button:has-text("查询")')
  await page.waitForFunction((code) => {
    const cells = [...document.querySelectorAll('.components .el-table__row td:nth-child(3)')]
    return cells.length > 0 && cells.every((c) => c.textContent.trim() === code)
  }, grid)
  const gridRows = await page.locator('.components .el-table__row').count()
  await shot('reference-components')

  // A new manhole cover in that unit grid, placed in its middle by the dialog.
  await page.click('.add')
  const componentDialog = '.component-dialog'
  await page.waitForSelector(`${componentDialog} input[name=id]`)
  await page.fill(`${componentDialog} input[name=id]`, newComponent)
  await page.click(`${componentDialog} .el-select`)
  await page.keyboard.type(grid)
  await page.click(`.el-select-dropdown__item:visible:has-text("${grid}")`)
  await page.waitForFunction(() => ![...document.querySelectorAll('.el-select-dropdown')].some((d) => d.offsetParent))
  await shot('component-dialog')
  await page.click(`${componentDialog} .el-dialog__footer .el-button--primary`)
  await page.waitForSelector('.el-message--success:has-text("已保存")')
  await page.fill('input[name=unit-grid]', '')
  await page.fill('input[name=component-id]', newComponent)
  await page.click('button:has-text("查询")')
  await page.waitForFunction(
    (id) => [...document.querySelectorAll('.components .el-table__row td:first-child')].map((c) => c.textContent.trim()).join() === id,
    newComponent,
  )
  const addedCategory = (await page.locator('.components .el-table__row td:nth-child(2)').first().innerText()).trim()
  await shot('component-added')

  const menu = await texts(page.locator('.el-menu-item'))
  return {
    userRows, adminRoles, shortPassword, taken, createdRoles, createdState,
    departments, componentCategories, workGrids, firstInspector, unitGridCodes, totalText, grid,
    gridRows, addedCategory, menu,
  }
})
