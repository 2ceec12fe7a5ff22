// The case loop as the console sees it: the server's JSON shapes, the status and warning
// vocabulary, and the calls that change a case.

import { ApiFailure, post } from './api'
import { session } from './session'
import type { ActionButton, CaseDetail, CaseItem, Department, DuplicateCandidate, HistoryEntry, Page_CaseItem, Suggestions, Warning } from './generated/api'
export type { ActionButton, CaseDetail, CaseItem, Department, DuplicateCandidate, HistoryEntry, Suggestions, Warning } from './generated/api'

// One page of a case list, as the server answers it.
export type CasePage = Page_CaseItem

/** Status codes a queue filter offers, with the server's labels. */
export const STATUSES: [string, string][] = [
  ['reported', '已上报'],
  ['verifying', '待核实'],
  ['accepted', '已受理'],
  ['registered', '待派遣'],
  ['dispatched', '处置中'],
  ['handled', '已处置'],
  ['checking', '待核查'],
  ['check_passed', '待结案'],
  ['closed', '已结案'],
  ['rejected', '不予立案'],
  ['duplicate', '重复案件'],
]

export const SOURCES: [string, string][] = [
  ['patrol', '监督员上报'],
  ['hotline', '热线'],
  ['video', '视频抓拍'],
  ['public', '公众举报'],
  ['sensor', '传感器报警'],
  ['leader', '领导交办'],
]

export const WARNING_COLOURS: Record<Warning, string> = {
  green: '#2e9d4f',
  yellow: '#e6a23c',
  red: '#d9363e',
}

export const WARNING_LABELS: Record<Warning, string> = { green: '绿灯', yellow: '黄灯', red: '红灯' }

export function act(id: string, action: string, body: Record<string, unknown>) {
  return post<CaseItem>(`/api/v1/cases/${id}/${action}`, body)
}

/** Uploads a JPEG for a step of the case; answers its name for the action's `photos`. */
export async function attachPhoto(id: string, file: File): Promise<string> {
  const response = await fetch(`/api/v1/cases/${id}/photos`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${session.token}`, 'Content-Type': 'image/jpeg' },
    body: file,
  })
  const body = await response.json().catch(() => ({}))
  if (!response.ok) throw new ApiFailure(response.status, body.error ?? `照片上传失败 (${response.status})`)
  return body.sha256 as string
}
