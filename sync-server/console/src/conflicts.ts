// 冲突处理 as the console sees it: both sides of a case's conflict and the admin's choices.

import { get } from './api'
import type { CaseItem, HistoryEntry } from './cases'
import type { ConflictOutcome, ConflictView, DeviceAction } from './generated/api'
export type { ConflictOutcome, ConflictView, DeviceAction } from './generated/api'




export const conflictOf = (id: string) => get<ConflictView>(`/api/v1/cases/${id}/conflict`)
