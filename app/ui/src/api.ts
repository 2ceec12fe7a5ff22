// The UI's only way into Rust: typed wrappers over the Tauri commands of app/src-tauri, and
// the events the automatic sync emits. Field names follow the Rust views (snake_case).
import { invoke } from '@tauri-apps/api/core'
import { listen, type UnlistenFn } from '@tauri-apps/api/event'

export type Kind = 'component' | 'event'
export type SyncState = 'pending' | 'synced' | 'refused'

export interface Position { lat: number; lon: number; accuracy_m: number }
export interface Session {
  server_url: string
  user_id: string
  username: string
  display_name: string
  roles: string[]
  device_id: string
}
export interface Startup { session: Session | null; default_server_url: string; accuracy_warning_m: number }
export interface GridLabel { code: string; street: string; community: string }
export interface Location extends Position { accuracy_warning: boolean; unit_grid: GridLabel | null }
export interface Subclass { code: number; name: string }
export interface CategoryClass { kind: Kind; code: number; name: string; subclasses: Subclass[] }
export interface CategoryTable { version: number; class: CategoryClass[] }
export interface CategoryChoice { kind: Kind; class: number; subclass: number }
export interface ReportOptions { categories: CategoryTable; recent: CategoryChoice[]; unit_grids: GridLabel[] }
export interface NearbyComponent {
  id: string
  class: number
  subclass: number
  name: string
  distance_m: number
  position: Position
}
export interface ReportDraft {
  kind: Kind | null
  category: [number, number] | null
  description: string
  component_id: string | null
  self_handled: boolean
  saved_at: number | null
}
export interface ReportForm {
  kind: Kind
  class: number
  subclass: number
  description: string
  position: Position
  unit_grid: string
  component_id: string | null
  self_handled: boolean
  photos: string[]
}
export interface ReportItem {
  id: string
  category: string
  description: string
  device_time: number
  status: string
  sync: SyncState
  sync_label: string
  error: string | null
  self_handled: boolean
  unit_grid: string
  photo_count: number
}
export interface PhotoView { sha256: string; data_url: string | null; state: string }
export interface ReportDetail {
  item: ReportItem
  lat: number
  lon: number
  accuracy_m: number
  component_id: string | null
  received_at: number | null
  photos: PhotoView[]
}
export interface PendingItem { id: string; summary: string; state: SyncState; reason: string | null; changed_at: number }
export interface PendingPhoto {
  sha256: string
  report_id: string
  size: number
  uploaded: number
  state: 'pending' | 'uploaded' | 'failed'
  reason: string | null
}
export interface LastSync { at: number; error: string | null; succeeded_at: number | null }
export interface ReferenceState { version: number; updated_at: number | null; error: string | null }
export interface SyncProgress { photos_total: number; photos_done: number; bytes_total: number; bytes_done: number }
export interface SyncOverview {
  pending: PendingItem[]
  photos: PendingPhoto[]
  photo_bytes: number
  last: LastSync | null
  reference: ReferenceState
  running: boolean
  progress: SyncProgress
}
export interface SyncOutcome { ok: boolean; message: string }
export interface Shift { id: string; started_at: number; ended_at: number | null }
export interface PatrolSummary {
  shift: Shift
  distance_m: number
  duration_ms: number
  points: number
  segments: number
  reports_made: number
  recording_healthy: boolean
  last_point_at: number | null
  unsent_segments: number
  upload_error: string | null
}
export interface PatrolView {
  today: PatrolSummary | null
  on_shift: boolean
  recording_healthy: boolean
  recording_label: string
  interval_s: number
}
export type TaskKind = 'verify' | 'check'
export interface TaskItem {
  id: string
  kind: TaskKind
  label: string
  category: string
  summary: string
  description: string
  grid: GridLabel
  assigned_at: number
  note: string
}
export interface TaskDetail { item: TaskItem; lat: number; lon: number; photos: PhotoView[] }
export interface TaskResult { id: string; result: boolean; note: string; photos: string[] }

export const api = {
  startup: () => invoke<Startup>('startup'),
  login: (serverUrl: string, username: string, password: string) =>
    invoke<Session>('login', { serverUrl, username, password }),
  locate: () => invoke<Location>('locate'),
  reportOptions: () => invoke<ReportOptions>('report_options'),
  componentsNear: (position: Position, classCode: number, subclass: number) =>
    invoke<NearbyComponent[]>('components_near', { position, class: classCode, subclass }),
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
