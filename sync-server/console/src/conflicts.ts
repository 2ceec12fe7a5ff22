// 冲突处理 as the console sees it: both sides of a case's conflict and the admin's choices.

import { get } from './api'
import type { CaseItem, HistoryEntry } from './cases'

export interface DeviceAction {
  command: string
  label: string
  passed: boolean | null
  note: string
  at: number
  device_id: string
  device_name: string | null
  app_version: string | null
  user_name: string | null
  role_label: string | null
  photos: { sha256: string; arrived: boolean }[]
}

export type ConflictOutcome = 'keep' | 'adopt'

export interface ConflictView {
  case: CaseItem
  marker: HistoryEntry | null
  device: DeviceAction | null
  overtaking: HistoryEntry[]
  adoptable: boolean
  adopt_refusal: string | null
  outcomes: { outcome: ConflictOutcome; label: string }[]
}

export const conflictOf = (id: string) => get<ConflictView>(`/api/v1/cases/${id}/conflict`)
