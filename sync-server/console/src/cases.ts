// The case loop as the console sees it: the server's JSON shapes, the status and warning
// vocabulary, and the calls that change a case.

import { ApiFailure, post } from './api'
import { session } from './session'

export type Warning = 'green' | 'yellow' | 'red'

export interface CaseItem {
  id: string
  source: string
  source_label: string
  status: string
  status_label: string
  kind: string
  class: number
  subclass: number
  category_label: string
  description: string
  unit_grid: string
  lon: number
  lat: number
  urgent: boolean
  reported_at: number
  department: number | null
  supervised: boolean
  on_hold: boolean
  in_conflict: boolean
  step_label: string | null
  step_deadline: number | null
  warning: Warning | null
  warning_label: string | null
}

export interface CasePage {
  items: CaseItem[]
  total: number
  page: number
  per_page: number
}

export interface HistoryEntry {
  index: number
  kind: string
  kind_label: string
  /** Set aside by an admin's 采纳设备操作: kept in the history, no longer in force. */
  superseded: boolean
  outcome_label: string | null
  at: number
  role_label: string | null
  user_name: string | null
  note: string
  data: { photos?: string[]; department?: number; hours?: number; passed?: boolean }
}

export interface ActionButton {
  action: string
  label: string
}

export interface CaseDetail {
  case: CaseItem
  report: { description: string; photos: { sha256: string }[]; reporter: string }
  photos: { sha256: string; arrived: boolean }[]
  history: HistoryEntry[]
  allowed_actions: ActionButton[]
  contact: { name: string | null; phone: string | null; email: string | null } | null
}

export interface Department {
  id: number
  code: string
  name: string
}

export interface DuplicateCandidate extends CaseItem {
  distance_m: number
  /** The first photo of the candidate's report, if it has one. */
  photo: { sha256: string; arrived: boolean } | null
}

export interface Suggestions {
  department: Department | null
  radius_m: number
  window_hours: number
  duplicates: DuplicateCandidate[]
}

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
