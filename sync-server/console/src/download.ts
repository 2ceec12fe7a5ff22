// Downloads a file from an authenticated endpoint (a plain link cannot carry the token).

import { ApiFailure } from './api'
import { session } from './session'

export async function download(path: string, filename: string) {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${session.token}` } })
  if (!response.ok) throw new ApiFailure(response.status, `下载失败 (${response.status})`)
  const url = URL.createObjectURL(await response.blob())
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  link.click()
  URL.revokeObjectURL(url)
}
