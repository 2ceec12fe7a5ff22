// Shared by the console scenarios: Debian's chromium through playwright-core, a signed-in page,
// screenshots into the folder the Rust test chose, and one JSON line of observations on stdout
// for the Rust test to assert on.

import { chromium } from 'playwright-core'

export async function withConsole(run) {
  const [baseUrl, shotsDir] = process.argv.slice(2)
  if (!baseUrl || !shotsDir) throw new Error('usage: node <scenario>.mjs <server-url> <screenshots-dir>')
  const browser = await chromium.launch({
    executablePath: process.env.CGT_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 800 }, locale: 'zh-CN' })
    page.setDefaultTimeout(15000)
    const shot = (name) => page.screenshot({ path: `${shotsDir}/${name}.png`, fullPage: true })
    const observed = await run({ page, baseUrl, shot })
    console.log(JSON.stringify(observed))
  } finally {
    await browser.close()
  }
}

export async function signIn(page, baseUrl, username, password) {
  await page.goto(`${baseUrl}/console/#/login`)
  await page.fill('input[name=username]', username)
  await page.fill('input[name=password]', password)
  await page.click('button[type=submit]')
}
