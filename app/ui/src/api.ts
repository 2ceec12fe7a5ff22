// The UI's only way into Rust: typed wrappers over the Tauri commands of app/src-tauri, and
// the events the automatic sync emits. Field names follow the Rust views (snake_case).
import { invoke } from '@tauri-apps/api/core'
import { listen, type UnlistenFn } from '@tauri-apps/api/event'
import type { ComponentView, Location, PatrolView, Position, ReportDetail, ReportDraft, ReportForm, ReportItem, ReportOptions, Session, Startup, SyncOutcome, SyncOverview, SyncProgress, TaskDetail, TaskItem, TaskResult } from './generated/types'
export type { CategoryChoice, ComponentView, CategoryTable, GridLabel, Kind, LastSync, Location, PatrolSummary, PatrolView, PendingItem, PendingPhoto, PhotoView, Position, ReferenceState, ReportDetail, ReportDraft, ReportForm, ReportItem, ReportOptions, Session, Shift, Startup, Subclass, SyncOutcome, SyncOverview, SyncProgress, SyncState, TaskDetail, TaskItem, TaskKind, TaskResult } from './generated/types'


export const api = {
  startup: () => invoke<Startup>('startup'),
  login: (serverUrl: string, username: string, password: string) =>
    invoke<Session>('login', { serverUrl, username, password }),
  locate: () => invoke<Location>('locate'),
  reportOptions: () => invoke<ReportOptions>('report_options'),
  componentsNear: (position: Position, classCode: number, subclass: number) =>
    invoke<ComponentView[]>('components_near', { position, class: classCode, subclass }),
  submitReport: (form: ReportForm) => invoke<string>('submit_report', { form }),
  saveDraft: (draft: ReportDraft) => invoke<ReportDraft>('save_draft', { draft }),
  loadDraft: () => invoke<ReportDraft | null>('load_draft'),
  discardDraft: () => invoke<void>('discard_draft'),
  myReports: () => invoke<ReportItem[]>('my_reports'),
  reportDetail: (id: string) => invoke<ReportDetail>('report_detail', { id }),
  syncOverview: () => invoke<SyncOverview>('sync_overview'),
  syncNow: () => invoke<SyncOutcome>('sync_now'),
  networkChanged: (online: boolean) => invoke<void>('network_changed', { online }),
  todayPatrol: () => invoke<PatrolView>('today_patrol'),
  startShift: () => invoke<PatrolView>('start_shift'),
  endShift: () => invoke<PatrolView>('end_shift'),
  myTasks: () => invoke<TaskItem[]>('my_tasks'),
  taskDetail: (id: string) => invoke<TaskDetail>('task_detail', { id }),
  submitTask: (form: TaskResult) => invoke<void>('submit_task', { form }),
}

export const onSyncProgress = (handler: (p: SyncProgress) => void): Promise<UnlistenFn> =>
  listen<SyncProgress>('sync-progress', (e) => handler(e.payload))
export const onSyncFinished = (handler: (o: SyncOutcome) => void): Promise<UnlistenFn> =>
  listen<SyncOutcome>('sync-finished', (e) => handler(e.payload))

/// Errors of commands arrive as the Rust error's zh-CN message.
export const message = (error: unknown): string =>
  typeof error === 'string' ? error : error instanceof Error ? error.message : String(error)
