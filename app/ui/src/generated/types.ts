// Generated from the Rust types of app/src-tauri (src/ui_types.rs); do not edit.
// CGT_BLESS=1 cargo test -p cgt-app ui_types rewrites it.

/** A category as the recently-used list offers it. */
export type CategoryChoice = {
  class: number
  kind: Kind
  subclass: number
}

export type CategoryTable = {
  class: Class[]
  version: number
}

export type Class = {
  code: number
  kind: Kind
  name: string
  subclasses: Subclass[]
}

export type ComponentId = string

/** A component (部件) near a position. */
export type ComponentView = {
  class: number
  distance_m: number
  id: ComponentId
  /** The subclass name from the category table, e.g. 上水井盖. */
  name: string
  /** Where it stands (accuracy 0: surveyed). */
  position: Position
  subclass: number
}

/** A registered phone (or desktop stand-in), bound to one user and revocable. */
export type DeviceId = string

/** A case document; for a report made on a device, also the report's id. */
export type DocId = string

/** A unit grid (单元网格) with the names the inspector knows it by. */
export type GridLabel = {
  code: string
  community: string
  street: string
}

/** 部件 (a physical city asset) or 事件 (a situation). */
export type Kind = "component" | "event"

/** When the last sync ended and why it failed, if it did. */
export type LastSync = {
  at: Timestamp
  error: string | null
  succeeded_at: null | Timestamp
}

/** The current position with its accuracy and, from the offline grid data, its unit grid. */
export type Location = {
  accuracy_m: number
  /** The accuracy radius is above the configured threshold (定位精度差). */
  accuracy_warning: boolean
  lat: number
  lon: number
  unit_grid: null | GridLabel
}

/** Today's patrol as the app shows it. */
export type PatrolSummary = {
  distance_m: number
  /** From 上班 to 下班, or to now while on shift. */
  duration_ms: number
  last_point_at: null | Timestamp
  points: number
  /** On shift and the last point is recent (or the shift has ended). */
  recording_healthy: boolean
  /** Reports this inspector made on this device during the shift. */
  reports_made: number
  segments: number
  shift: Shift
  /** Segments with points the server has not confirmed yet. */
  unsent_segments: number
  /** Why the last upload of a segment failed, if one did. */
  upload_error: string | null
}

/**
 * 巡查: today's patrol (the open shift, or the last one started today) and whether the
 * recorder is working, with the reason in plain words when it is not.
 */
export type PatrolView = {
  /** How often the recorder samples the position, in seconds. */
  interval_s: number
  on_shift: boolean
  /** The summary's verdict, and also false while the recorder's last sample failed. */
  recording_healthy: boolean
  /** 正在记录 / 已下班 / why recording is not healthy. */
  recording_label: string
  today: null | PatrolSummary
}

/** A document the server has not acknowledged, as the "待上传" list shows it. */
export type PendingItem = {
  /** The last local change. */
  changed_at: Timestamp
  id: DocId
  reason: string | null
  state: SyncState
  /** One line for the list, e.g. `事件 0102 暴露垃圾: 路口垃圾桶满溢`. */
  summary: string
}

/** A photo the server has not confirmed, as the "待上传" list shows it. */
export type PendingPhoto = {
  /** Why the last attempt failed, in plain words; `None` if nothing failed yet. */
  reason: string | null
  report_id: DocId
  sha256: string
  /** Bytes of the photo. */
  size: number
  state: PhotoState
  /** Bytes the server confirmed holding: the next upload continues from here. */
  uploaded: number
}

/** Where a photo stands with the server. */
export type PhotoState = "pending" | "uploaded" | "failed"

/** A photo of a report as held on this device. */
export type PhotoView = {
  /** `data:image/jpeg;base64,…`, or `None` when the photo was taken on another device. */
  data_url: string | null
  sha256: string
  /** 已上传, or 待上传 with how far the upload got. */
  state: string
}

export type Position = {
  /** Horizontal accuracy radius in metres, as the position source stated it. */
  accuracy_m: number
  /** WGS84 latitude in degrees. */
  lat: number
  /** WGS84 longitude in degrees. */
  lon: number
}

/** The reference data held, for a status line ("参考数据 版本 12,更新于 …"). */
export type ReferenceState = {
  /** Why the last update failed; `None` after a success. */
  error: string | null
  updated_at: null | Timestamp
  /** 0: nothing downloaded yet; the built-in category table applies. */
  version: number
}

/** A report with its position, component and photos, for the detail screen. */
export type ReportDetail = {
  accuracy_m: number
  component_id: string | null
  item: ReportItem
  lat: number
  lon: number
  photos: PhotoView[]
  received_at: null | Timestamp
}

/**
 * An unfinished report (草稿). Photos are not part of it: they enter the evidence pipeline
 * only when the report is created, which needs a complete form.
 */
export type ReportDraft = {
  /** 大类 and 小类 codes, once chosen. */
  category?: [number, number] | null
  /** The picked component (部件编码), for 部件 reports. */
  component_id?: string | null
  description: string
  kind?: null | Kind
  saved_at?: null | Timestamp
  self_handled: boolean
}

/** The completed form. */
export type ReportForm = {
  class: number
  component_id?: string | null
  description: string
  kind: Kind
  /** The photos as taken or picked, base64 (a `data:` URL prefix is allowed). */
  photos: string[]
  position: Position
  self_handled: boolean
  subclass: number
  unit_grid: string
}

/** One line of 我的上报. */
export type ReportItem = {
  /** e.g. `事件 · 市容环境 · 暴露垃圾`. */
  category: string
  description: string
  device_time: Timestamp
  error: string | null
  id: string
  photo_count: number
  self_handled: boolean
  /** The case status as the server's workflow reports it (已上报, 已撤回, …). */
  status: string
  sync: SyncState
  /** 待上传 / 已上传 / 被拒收. */
  sync_label: string
  unit_grid: string
}

/** The category table and what the form offers first. */
export type ReportOptions = {
  categories: CategoryTable
  recent: CategoryChoice[]
  /**
   * The unit grids of the inspector's work grids, to pick one by hand when the position
   * lies outside all of them.
   */
  unit_grids: GridLabel[]
}

export type Role = "inspector" | "operator" | "shift_leader" | "dispatcher" | "department_handler" | "patrol_supervisor" | "leader" | "admin"

/** Who is logged in on this device, and where the server is. */
export type Session = {
  device_id: DeviceId
  display_name: string
  roles: Role[]
  server_url: string
  user_id: UserId
  username: string
}

/** A patrol shift (上班 → 下班). */
export type Shift = {
  ended_at: null | Timestamp
  id: string
  started_at: Timestamp
}

/** What the app needs at start: who is logged in, and the configured defaults. */
export type Startup = {
  accuracy_warning_m: number
  default_server_url: string
  session: null | Session
}

export type Subclass = {
  code: number
  name: string
}

/** The outcome of one sync, as the `sync-finished` event and the 立即同步 button report it. */
export type SyncOutcome = {
  message: string
  ok: boolean
}

/** Everything the 同步 screen shows. */
export type SyncOverview = {
  last: null | LastSync
  pending: PendingItem[]
  /** Photo bytes still to send. */
  photo_bytes: number
  photos: PendingPhoto[]
  progress: SyncProgress
  reference: ReferenceState
  running: boolean
}

/** How far the photo uploads of the running sync have got. */
export type SyncProgress = {
  /** Bytes of those photos the server holds (including what it had before this sync). */
  bytes_done: number
  bytes_total: number
  /** Of those, how many the server confirmed. */
  photos_done: number
  /** Photos this sync is sending. */
  photos_total: number
}

/** Where a document stands with the server. */
export type SyncState = "pending" | "synced" | "refused"

/** A task with what the inspector needs on site. */
export type TaskDetail = {
  item: TaskItem
  lat: number
  lon: number
  photos: PhotoView[]
}

/** One line of the 任务 list. */
export type TaskItem = {
  assigned_at: Timestamp
  category: string
  description: string
  grid: GridLabel
  id: string
  kind: TaskKind
  /** 核实 / 核查 */
  label: string
  note: string
  summary: string
}

/** The two kinds of on-site task an inspector receives. */
export type TaskKind = "verify" | "check"

/** The result form: 存在 / 通过 when `result` is true. */
export type TaskResult = {
  id: string
  note: string
  /** On-site photos as picked, base64 (a `data:` URL prefix is allowed). */
  photos: string[]
  result: boolean
}

/** Milliseconds since the Unix epoch (UTC). */
export type Timestamp = number

/** A person with a login (any role). */
export type UserId = string
