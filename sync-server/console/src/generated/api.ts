// Generated from the server's OpenAPI schemas (the Rust wire types); do not edit.
// CGT_BLESS=1 cargo test -p cgt-server openapi rewrites it.

/**
 * The body of a workflow action: an optional note and the action's own parameters —
 * `verifier` (accept), `inspector` (assign_verify, assign_check), `exists` and `photos`
 * (verify), `reason` (reject, return), `of` (link_duplicate), `department` (dispatch),
 * `photos` (handle), `hours` (request_extension), `passed` and `photos` (check),
 * `outcome` = keep | adopt (resolve_conflict), `satisfaction` (rate_satisfaction),
 * `bonus_tenths` (credit_proactive).
 */
export type ActionBody = {
  bonus_tenths?: number | null
  department?: number | null
  exists?: boolean | null
  hours?: number | null
  inspector?: null | UserId
  of?: null | DocId
  outcome?: string | null
  passed?: boolean | null
  photos?: string[] | null
  reason?: string | null
  satisfaction?: null | Satisfaction
  verifier?: null | UserId
}

/** An action button: code and label. */
export type ActionButton = {
  action: ActionKind
  label: string
}

/** The name of an action, without parameters. */
export type ActionKind = "accept" | "assign_verify" | "verify" | "register" | "reject" | "link_duplicate" | "dispatch" | "handle" | "request_extension" | "approve_extension" | "deny_extension" | "return" | "hold" | "resume" | "assign_check" | "check" | "close" | "supervise" | "resolve_conflict" | "rate_satisfaction" | "credit_proactive" | "withdraw"

/**
 * A rule broken from `from` to `to`; `peak` is the highest speed (km/h) for overspeed, the
 * farthest distance from the route (m) for off-route, and the minutes stopped for a stop.
 */
export type Alarm = {
  from: Timestamp
  kind: AlarmKind
  peak: number
  to: Timestamp
}

/** A case a sensor alarm opened. */
export type AlarmCase = {
  case_id: DocId
  status: CaseStatus
}

export type AlarmKind = "overspeed" | "off_route" | "stop_outside_site"

/** An alarm with the positions that show it: `[lon, lat, ms, speed m/s or null]`. */
export type AlarmView = Alarm & ({
  evidence: ([number, number, number, number | null])[]
  vehicle_id: string
  vehicle_name: string
})

export type Alarms = {
  alarms: AlarmView[]
}

export type Anomaly = {
  from: Timestamp
  kind: "mock_location"
  to: Timestamp
} | {
  from: Timestamp
  kind: "too_fast_on_foot"
  speed_mps: number
  to: Timestamp
} | {
  from: Timestamp
  kind: "long_gap"
  to: Timestamp
}

/** Figures of one 街道 for cases reported in the period. */
export type AreaFigures = {
  area: string
  closed: number
  closed_in_time: number
  /** 结案率 of registered cases. */
  closing_rate: number
  registered: number
  reported: number
  /** 及时结案率 of registered cases. */
  timely_closing_rate: number
}

export type AreasAnswer = {
  areas: AreaFigures[]
  period: Period
}

export type Assignment = {
  inspector?: null | UserId
}

export type Binary = string

export type CaseDetail = {
  allowed_actions: ActionButton[]
  case: CaseItem
  contact: null | Contact
  history: HistoryEntry[]
  photos: PhotoArrival[]
  report: Report
}

/** A case in a list, with its running step's warning. */
export type CaseItem = CaseListRow & ({
  category_label: string
  source_label: string
  status_label: string
  step_label: string | null
  warning: null | Warning
  warning_label: string | null
})

/** One line of a work queue. */
export type CaseListRow = {
  check_assignee: null | UserId
  class: number
  department: number | null
  description: string
  id: DocId
  in_conflict: boolean
  kind: string
  lat: number
  lon: number
  on_hold: boolean
  reported_at: Timestamp
  source: Source
  status: CaseStatus
  step: null | Step
  step_deadline: null | Timestamp
  step_limit_ms: number | null
  step_started_at: null | Timestamp
  subclass: number
  supervised: boolean
  unit_grid: string
  urgent: boolean
  verify_assignee: null | UserId
}

/** The status of a case as derived from its history (the standard loop of domain.md). */
export type CaseStatus = "reported" | "withdrawn" | "verifying" | "accepted" | "rejected" | "duplicate" | "registered" | "dispatched" | "handled" | "checking" | "check_passed" | "closed"

export type CategoryTable = {
  class: Class[]
  version: number
}

/**
 * Fields left out stay as they are; `"department_id": null` takes the user out of their
 * department.
 */
export type ChangeUser = {
  active?: boolean | null
  department_id?: number | null
  display_name?: string | null
  roles?: Role[] | null
}

/** How many rows an import adds, changes, leaves and retires. */
export type Changes = {
  changed: number
  new: number
  retired: number
  unchanged: number
}

export type Class = {
  code: number
  kind: Kind
  name: string
  subclasses: Subclass[]
}

/** A component; its class and subclass are digits of its id. */
export type Component = {
  id: ComponentId
  lat: number
  lon: number
  maintainer: number | null
  owner: number | null
  unit_grid: GridCode
}

/**
 * A component as the console sends it, in the shape it lists them. `id` is required when adding; when changing it may be
 * left out, and must otherwise equal the id in the path.
 */
export type ComponentBody = {
  id?: string | null
  lat: number
  lon: number
  /** The maintaining (养护) department's id. */
  maintainer?: number | null
  /** The owning (权属) department's id. */
  owner?: number | null
  unit_grid: string
}

export type ComponentId = string

/** A component as the console shows it: with its category. */
export type ComponentItem = ComponentListing & {
  /** e.g. `公用设施 / 上水井盖`; `未知类别` when the table lacks it. */
  category_label: string
  class: number
  subclass: number
}

export type ComponentItems = {
  items: ComponentItem[]
  total: number
}

/** A component with the reference version at which it last changed. */
export type ComponentListing = Component & {
  version: number
}

/** The admin's choice. */
export type ConflictOutcome = "keep" | "adopt"

export type ConflictView = {
  adopt_refusal: string | null
  adoptable: boolean
  case: CaseItem
  device: null | DeviceAction
  marker: null | HistoryEntry
  outcomes: OutcomeChoice[]
  /** The centre's steps after the device acted; 采纳设备操作 sets them aside. */
  overtaking: HistoryEntry[]
}

/** A public reporter's contact, kept on the server only. */
export type Contact = {
  email: string | null
  name: string | null
  phone: string | null
}

/** The prescribed route: a line and the corridor's full width around it. */
export type Corridor = {
  /** `[lon, lat]` vertices. */
  line: LonLat[]
  width_m: number
}

export type Coverage = {
  missed: string[]
  /** Visited unit grids over all of them, 0–1 (0 for a work grid without unit grids). */
  share: number
  visited: string[]
}

export type CreateUser = {
  department_id?: number | null
  display_name: string
  password: string
  /** Role names: `inspector`, `operator`, `shift_leader` … */
  roles: Role[]
  username: string
}

/** A new API key: shown once, never again. */
export type CreatedKey = {
  channel: string
  key: string
  name: string
  /** The key's own user, who appears as the reporter of its cases. */
  user_id: UserId
}

/** The answer to a new request. */
export type CreatedRequest = {
  account_id: string | null
  service_notice: string
  service_request_id: DocId
}

/** A person's China day: shifts, analysis, coverage, unit grid outlines and reports. */
export type DaySummary = {
  coverage: Coverage
  date: string
  grids: UnitGridShape[]
  person: Person
  reports: ReportMarker[]
  shifts: ShiftSpan[]
  summary: TrackSummary
}

export type Department = {
  code: string
  id: number
  name: string
}

export type DepartmentListing = {
  code: string
  id: number
  maintained_components: number
  name: string
  /** Components in service it owns (权属) and maintains (养护). */
  owned_components: number
  /** Active users in the department. */
  staff: number
}

/** A department's score with its name. */
export type DepartmentRow = DepartmentScore & {
  department_name: string
}

/** One department's figures and score for a period. */
export type DepartmentScore = {
  /** 基准值: average of the three previous periods. */
  baseline: number
  closed: number
  closed_in_time: number
  /** 结案率 */
  closing_rate: number
  department: number
  grade: Grade
  grade_label: string
  handled: number
  handled_in_time: number
  /** 处置率 */
  handling_rate: number
  /** 发案率 */
  incidence_rate: number
  /** 完好率 */
  intact_rate: number
  /** 主动处理加分 */
  proactive_bonus: number
  public_complaints: number
  /** 接收案卷数 (= 发案数 = 应结案数) */
  received: number
  reworked: number
  /** 群众满意率 */
  satisfaction_rate: number
  satisfied: number
  /** 综合得分 */
  score: number
  /** 督办扣分 */
  supervision_deduction: number
  /** 及时结案率 */
  timely_closing_rate: number
  /** 及时处置率 */
  timely_handling_rate: number
}

export type DepartmentsAnswer = {
  departments: DepartmentRow[]
  period: Period
}

/** The device's side: the offline action that met the centre's later steps. */
export type DeviceAction = {
  app_version: string | null
  /** When the person acted, by the device's clock. */
  at: Timestamp
  command: string
  device_id: DeviceId
  device_name: string | null
  label: string
  note: string
  /** 核实 / 核查 result. */
  passed: boolean | null
  photos: PhotoArrival[]
  role_label: string | null
  user_name: string | null
}

/** A registered phone (or desktop stand-in), bound to one user and revocable. */
export type DeviceId = string

/** A device as the console lists it. */
export type DeviceItem = DeviceRecord & ({
  warning: null | Warning
  warning_label: string | null
})

/** A device's last report of what it holds to send. */
export type DevicePending = PendingCounts & ({
  pending_since: null | Timestamp
  reported_at: Timestamp
})

/** A device as the admin console lists it. */
export type DeviceRecord = {
  app_version: string | null
  id: DeviceId
  last_sync_at: null | Timestamp
  name: string
  pending: null | DevicePending
  registered_at: Timestamp
  revoked_at: null | Timestamp
  user: UserId
  username: string
}

/** A case document; for a report made on a device, also the report's id. */
export type DocId = string

export type DocView = {
  events: WorkflowEvent[]
  /** Hex change hashes, sorted. */
  heads: string[]
  id: DocId
  owner_device: DeviceId
  owner_user: UserId
  /** The report's photos and whether each has reached the server. */
  photos: PhotoArrival[]
  received_at: Timestamp
  report: null | Report
  seq: number
  status: CaseStatus
}

/** `{"ok": true}`: the answer of an action that has nothing else to say. */
export type Done = {
  ok: boolean
}

/**
 * A possible duplicate with its distance and, once the caller looked it up, the first photo
 * of its report (served by `GET /api/v1/photos/{sha256}/thumb` once it has arrived).
 */
export type DuplicateCandidate = CaseListRow & ({
  distance_m: number
  photo: null | PhotoArrival
  status_label: string
})

export type Edited_ComponentItem = ComponentListing & {
  /** e.g. `公用设施 / 上水井盖`; `未知类别` when the table lacks it. */
  category_label: string
  class: number
  subclass: number
} & {
  /** The reference version devices will be brought to. */
  version: number
}

export type Edited_WorkGridListing = ({
  code: GridCode
  components: number
  inspector: null | Inspector
  name: string
  unit_grids: number
}) & {
  /** The reference version devices will be brought to. */
  version: number
}

/** The body of every error: a Chinese message with an English detail in parentheses. */
export type ErrorBody = {
  error: string
}

/** The details an event carries besides who and when; absent fields are `None` / empty. */
export type EventData = {
  assignee: null | UserId
  bonus_tenths: number | null
  department: number | null
  duplicate_of: null | DocId
  /** Working hours of an extension. */
  hours: number | null
  outcome: null | ConflictOutcome
  passed: boolean | null
  /** SHA-256 of photos attached to the step (处置 after-photo, 核查 photo). */
  photos?: string[]
  satisfaction: null | Satisfaction
  /** Case source of a `received` event (`crate::caseflow::Source` code). */
  source: string | null
  /** Indices of earlier events an adopting resolution set aside. */
  supersedes?: number[]
}

/** What happened to a case. Each kind is one step of the case loop (see `crate::caseflow`). */
export type EventKind = "Withdrawn" | "CommandRefused" | "Received" | "Accepted" | "VerifyAssigned" | "Verified" | "Registered" | "Rejected" | "DuplicateLinked" | "Dispatched" | "Handled" | "ExtensionRequested" | "ExtensionApproved" | "ExtensionDenied" | "Returned" | "Held" | "Resumed" | "CheckAssigned" | "Checked" | "Closed" | "Supervised" | "ConflictMarked" | "ConflictResolved" | "SatisfactionRated" | "ProactiveCredited" | {
  /** A kind written by a newer server; kept and shown, ignored by status derivation. */
  Other: string
}

/** No point between `from` and `to`. */
export type Gap = {
  from: Timestamp
  to: Timestamp
}

/** One GeoReport error; every error answer is an array of them. */
export type GeoReportError = {
  code: number
  description: string
}

/** 等次 */
export type Grade = "excellent" | "good" | "pass" | "fail"

export type GridCode = string

/** One entry of the history timeline. */
export type HistoryEntry = WorkflowEvent & ({
  /** Position in the history (what a resolution's `supersedes` names). */
  index: number
  kind_label: string
  outcome_label: string | null
  role_label: string | null
  /** Set aside by an admin's 采纳设备操作; kept in the history, no longer in force. */
  superseded: boolean
  user_name: string | null
})

/** The report of a dry run, and of an import once confirmed (`applied_version`). */
export type ImportReport = {
  /**
   * The reference version the import was written at; absent for a dry run, or when there
   * were errors.
   */
  applied_version: number | null
  changes: Changes
  /** The system the coordinates were read in. */
  crs: string
  /** The system the file declares, if any. */
  declared_crs: string | null
  errors: number
  features: number
  /** GeoJSON, Shapefile, GeoPackage or CSV. */
  format: string
  layer: Layer
  /** At most 1,000, errors first. */
  problems: Problem[]
  warnings: number
}

/** The person a work grid is assigned to. */
export type Inspector = {
  display_name: string
  id: UserId
  username: string
}

export type InspectorFigures = {
  check_tasks: number
  checked_in_time: number
  inspector: UserId
  /** 上报数: reports made in the period. */
  reported: number
  /** 按时核查率 */
  timely_check_rate: number
  /** 按时核实率 */
  timely_verify_rate: number
  /** 有效上报数: of those, registered (立案). */
  valid: number
  /** 有效上报率 */
  valid_rate: number
  verified_in_time: number
  verify_tasks: number
}

/** An inspector's figures with their name. */
export type InspectorRow = InspectorFigures & {
  inspector_name: string
}

export type InspectorsAnswer = {
  inspectors: InspectorRow[]
  period: Period
}

/** 部件 (a physical city asset) or 事件 (a situation). */
export type Kind = "component" | "event"

/** One layer of a city's base data. */
export type Layer = "departments" | "work-grids" | "unit-grids" | "components"

export type LoginRequest = {
  app_version?: string | null
  device_id?: null | DeviceId
  /** Present for a field-device login. */
  device_name?: string | null
  password: string
  username: string
}

export type LoginResponse = Me & {
  token: string
}

/** [lon, lat], WGS84 degrees */
export type LonLat = [number, number]

export type MapConfig = {
  /** The system of the tiles; over `gcj02` tiles our WGS84 layers are drawn converted. */
  tile_system: PositionSystem
  /** An XYZ tile URL template, or `null` for the built-in vector basemap. */
  tile_url: string | null
}

/** `[lon, lat]` points. */
export type MapPoints = {
  points: LonLat[]
}

export type Me = {
  device_id: null | DeviceId
  display_name: string
  roles: Role[]
  user_id: UserId
  username: string
}

export type NewCaseBody = {
  class: number
  component_id?: string | null
  contact_name?: string | null
  contact_phone?: string | null
  description: string
  /** `component` (部件) or `event` (事件). */
  kind: string
  lat: number
  lon: number
  photos?: string[]
  /** `hotline`, `video` (operators) or `leader` (leaders). */
  source: string
  subclass: number
  unit_grid?: string | null
  urgent?: boolean
}

export type NewKey = {
  /** `open311` or `sensor`. */
  channel: string
  name: string
}

export type NewPassword = {
  password: string
}

/** A `POST requests` form. */
export type NewRequest = {
  account_id?: string | null
  address_id?: string | null
  address_string?: string | null
  api_key?: string | null
  coordinate_system?: null | PositionSystem
  description?: string | null
  device_id?: string | null
  email?: string | null
  first_name?: string | null
  jurisdiction_id?: string | null
  last_name?: string | null
  /**
   * Required with `long` (WGS84 unless `coordinate_system` says otherwise): this
   * jurisdiction does not geocode addresses.
   */
  lat?: number | null
  long?: number | null
  media_url?: string | null
  phone?: string | null
  /** Required: `event-01-02` and the like. */
  service_code?: string | null
  zipcode?: string | null
}

/** Someone on shift (在线人员) and where they were last. */
export type OnShift = {
  last_at: null | Timestamp
  last_position: null | LonLat
  person: Person
  shift_started_at: Timestamp
}

/** Who is on shift now (在线人员). */
export type Online = {
  people: OnShift[]
}

export type OutcomeChoice = {
  label: string
  outcome: ConflictOutcome
}

export type Page_CaseItem = {
  items: (CaseListRow & ({
    category_label: string
    source_label: string
    status_label: string
    step_label: string | null
    warning: null | Warning
    warning_label: string | null
  }))[]
  page: number
  per_page: number
  /** How many cases match in all. */
  total: number
}

/**
 * The counts a device reports. Each kind counts what the server has not yet confirmed;
 * `failed` counts items whose last attempt was refused for a reason waiting will not fix.
 */
export type PendingCounts = {
  /** Refused documents, failed photos and refused track segments. */
  failed: number
  /** Bytes of those photos still to send. */
  photo_bytes: number
  /** Photos the server has not confirmed storing whole. */
  photos: number
  /** Documents (reports, task results) with changes the server has not acknowledged. */
  reports: number
  /** Patrol track segments with points the server has not confirmed. */
  track_segments: number
}

/** A half-open interval of time `[from, to)`. */
export type Period = {
  from: Timestamp
  to: Timestamp
}

/** A person whose track may be asked for. */
export type Person = {
  display_name: string
  id: UserId
  username: string
}

/** Whether a photo a report references has reached the server. */
export type PhotoArrival = {
  arrived: boolean
  sha256: string
}

/** A photo error: the message, plus what the client goes on from. */
export type PhotoErrorBody = {
  /** The largest chunk accepted, on a 413 for a chunk too large. */
  chunk_bytes: number | null
  error: string
  /** The largest photo accepted, on a 413 for a photo too large. */
  max_bytes: number | null
  /** The server's offset, on a 409 for a chunk that does not start there. */
  offset: number | null
}

/** 照片名: SHA-256, 64 位小写十六进制 (lower-case hex SHA-256) */
export type PhotoHash = string

/** A stored photo's name, for the `photos` of an action. */
export type PhotoName = {
  sha256: PhotoHash
}

/** A photo of the report, by the SHA-256 of its stored bytes (the blob travels separately). */
export type PhotoRef = {
  /** Lower-case hex SHA-256 of the stored JPEG. */
  sha256: string
}

export type Position = {
  /** Horizontal accuracy radius in metres, as the position source stated it. */
  accuracy_m: number
  /** WGS84 latitude in degrees. */
  lat: number
  /** WGS84 longitude in degrees. */
  lon: number
}

/**
 * The coordinate system a caller declares for the positions it sends: WGS84 (GPS, Tianditu,
 * the default) or GCJ-02 (AMap, Tencent and their tiles). Positions are stored in WGS84, so a
 * GCJ-02 one is converted on arrival.
 */
export type PositionSystem = "wgs84" | "gcj02"

/** One problem, located for the map when it has a place. */
export type Problem = {
  code: string | null
  /** The feature's number in the file, from 1. */
  feature: number | null
  kind: ProblemKind
  message: string
  position: null | LonLat
  severity: Severity
}

export type ProblemKind = "missing_field" | "bad_code" | "duplicate_code" | "wrong_geometry" | "unconvertible" | "invalid_polygon" | "overlap" | "gap" | "outside_grids" | "grid_contradicts_code" | "unknown_department" | "unknown_work_grid" | "unknown_inspector" | "retires_in_use"

/** A rating as recorded. */
export type Rated = {
  satisfaction: Satisfaction
  service_request_id: DocId
}

/** The rating form. */
export type Rating = {
  api_key: string
  /** `satisfied`, `basic` or `unsatisfied`. */
  satisfaction: Satisfaction
}

/** The reference data one field device needs offline, or what changed of it. */
export type ReferenceAnswer = {
  categories: null | CategoryTable
  /** Components (部件) standing in those unit grids. */
  components?: Component[]
  departments?: Department[]
  /** A snapshot: the device replaces everything it holds with it. */
  full: boolean
  /**
   * Rows the device must drop: retired, or no longer in the caller's work grids. Always
   * empty in a snapshot.
   */
  retired?: Retired
  /** Unit grids (单元网格) of those work grids. */
  unit_grids?: UnitGrid[]
  /** The reference version this answer brings the device to. */
  version: number
  /** The caller's own work grids (工作网格). */
  work_grids?: WorkGrid[]
}

export type RefusalRecord = {
  at: Timestamp
  /** Hex change hashes of the refused changes. */
  changes: string[]
  device: null | DeviceId
  doc_id: DocId
  reason: string
  status: number
  user: UserId
  username: string | null
}

/** What an admin registers. */
export type Registration = {
  corridor?: null | Corridor
  /** The unit's device id, as it sends it in `id`. */
  id: string
  kind: VehicleKind
  name: string
  sites?: Site[]
  speed_limit_kmh: number
}

/** A problem report: what, where, by whom, when. */
export type Report = {
  /** 大类 code, e.g. 1. */
  class: number
  component_id: null | ComponentId
  /** 问题描述. */
  description: string
  /** The device the report was made on. */
  device: DeviceId
  /** The device's clock when the report was made. */
  device_time: Timestamp
  /** Generated on the device; also the id of the case document. */
  id: DocId
  kind: Kind
  photos: PhotoRef[]
  position: Position
  /** The inspector who reported. */
  reporter: UserId
  /** 自处理: the inspector fixed it on the spot and reports it as handled. */
  self_handled: boolean
  /** 小类 code within the class, e.g. 2. */
  subclass: number
  /** The unit grid (单元网格) the problem lies in. */
  unit_grid: GridCode
}

/** A report made along the way, as a marker. */
export type ReportMarker = {
  at: Timestamp
  id: DocId
  /** The subclass name (e.g. 井盖破损), or the codes when the table lacks them. */
  label: string
  lat: number
  lon: number
}

/** What to drop: retired, or no longer in this user's work grids. */
export type Retired = {
  components?: ComponentId[]
  departments?: number[]
  unit_grids?: GridCode[]
  work_grids?: GridCode[]
}

export type RetiredComponent = {
  id: ComponentId
  version: number
}

export type Role = "inspector" | "operator" | "shift_leader" | "dispatcher" | "department_handler" | "patrol_supervisor" | "leader" | "admin"

/** 群众满意度: the citizen's rating of a closed public complaint. */
export type Satisfaction = "satisfied" | "basic" | "unsatisfied"

export type SecurityEvent = {
  address: string
  at: Timestamp
  detail: string
  /** e.g. `login_locked`. */
  kind: string
  /** e.g. `account:inspector01` or `address:10.0.0.7`. */
  subject: string
}

/**
 * The server's answer to a segment: how many of its points it holds (the longest version
 * received, so a resend of an older, shorter version answers with more).
 */
export type SegmentStored = {
  points: number
}

export type SensorAlarm = {
  /** The 16-digit 部件标识码 of the tagged component. */
  component_id: string
  description?: string | null
}

/** A service: one subcategory of the category table. */
export type Service = {
  description: string
  group: string
  keywords: string
  metadata: boolean
  /** `event-01-02` = 事件 01 02. */
  service_code: string
  service_name: string
  type: string
}

/** A service definition: no extra attributes. */
export type ServiceDefinition = {
  attributes: unknown[]
  service_code: string
}

/** A request as GeoReport v2 answers it, every field of the specification present. */
export type ServiceRequest = {
  address: string | null
  address_id: string | null
  agency_responsible: string
  description: string
  expected_datetime: string | null
  lat: number
  long: number
  media_url: string | null
  /** RFC 3339, China time. */
  requested_datetime: string
  service_code: string
  service_name: string
  service_notice: string
  service_request_id: DocId
  status: string
  status_notes: string
  updated_datetime: string
  zipcode: string | null
}

export type Severity = "error" | "warning"

/** A shift as the device reports it: 上班 at `started_at`, 下班 at `ended_at`. */
export type ShiftReport = {
  ended_at?: null | Timestamp
  started_at: Timestamp
}

/** A shift as the replay shows it. */
export type ShiftSpan = {
  ended_at: null | Timestamp
  id: string
  started_at: Timestamp
}

/** A registered site (source or disposal) where stopping is expected. */
export type Site = {
  name: string
  /** `[lon, lat]` ring. */
  polygon: LonLat[]
}

export type Source = "patrol" | "hotline" | "video" | "public" | "sensor" | "leader"

export type StartRequest = {
  /** Bytes of the photo. */
  size: number
}

export type Stats = {
  active_devices: number
  devices: number
  docs: number
  refusals: number
  users: number
}

/** The step of the loop a running clock belongs to. */
export type Step = "accept" | "verify" | "register" | "dispatch" | "handle" | "check" | "close"

/** Staying within the stop radius from `from` to `to`, around `lat`, `lon` (the mean). */
export type Stop = {
  from: Timestamp
  lat: number
  lon: number
  to: Timestamp
}

export type Subclass = {
  code: number
  name: string
}

export type Suggestions = {
  department: null | Department
  duplicates: DuplicateCandidate[]
  /** 智能比对: radius and window used, and the candidates nearest first. */
  radius_m: number
  window_hours: number
}

/** Milliseconds since the Unix epoch (UTC). */
export type Timestamp = number

/** A person's simplified path over a time range. */
export type TrackAnswer = {
  from: Timestamp
  person: Person
  /** `[lon, lat, at]` of the points kept for the zoom level. */
  points: ([number, number, number])[]
  shifts: ShiftSpan[]
  to: Timestamp
  /** Points stored in the range, before simplification. */
  total_points: number
  zoom: number
}

/** Everything above for one track. */
export type TrackSummary = {
  anomalies: Anomaly[]
  distance_m: number
  /** From the first point to the last. */
  duration_ms: number
  gaps: Gap[]
  points: number
  stops: Stop[]
}

export type UnitGrid = {
  code: GridCode
  community: string
  /** Closed ring of `[lon, lat]` pairs, WGS84 degrees. */
  polygon: LonLat[]
  street: string
  work_grid: GridCode
}

export type UnitGridListing = {
  /** `[min_lon, min_lat, max_lon, max_lat]` of its outline, WGS84 degrees. */
  bbox: number[]
  code: GridCode
  community: string
  components: number
  street: string
  work_grid: null | GridCode
}

/** One unit grid of the work grid: its code and outline (`[lon, lat]` ring). */
export type UnitGridShape = {
  code: string
  /** `[lon, lat]` pairs. */
  ring: LonLat[]
}

/** A registered unit: the key it must send, shown once. */
export type UnitKey = {
  id: string
  key: string
}

/** Where an upload stands, as both upload endpoints answer it. */
export type UploadState = {
  /** The chunk size to send. */
  chunk_bytes: number
  /** The photo is stored and verified: nothing more to send. */
  complete: boolean
  /** The largest photo the server accepts. */
  max_bytes: number
  /** Bytes the server holds durably; the next chunk starts here. */
  offset: number
  size: number
}

/** A person with a login (any role). */
export type UserId = string

/** A user as the console lists them: never the password hash. */
export type UserListing = {
  active: boolean
  created_at: Timestamp
  department_id: number | null
  department_name: string | null
  display_name: string
  id: UserId
  roles: Role[]
  username: string
  /** The work grids (工作网格) this user patrols, in service. */
  work_grids: string[]
}

export type VehicleKind = "muck_truck" | "sanitation"

export type VehicleRules = {
  corridor: null | Corridor
  /** Outside the corridor at least this long is off route. */
  off_route_min_ms: number
  /** … for at least this long. */
  overspeed_min_ms: number
  /** Overspeed is faster than limit × multiplier … */
  overspeed_multiplier: number
  sites: Site[]
  speed_limit_kmh: number
  /** … at least this long outside every site is an unregistered stop. */
  stop_min_ms: number
  /** Staying within this radius … */
  stop_radius_m: number
}

/** A registered vehicle as the console lists it. */
export type VehicleView = {
  id: string
  kind: VehicleKind
  last_at: null | Timestamp
  last_position: null | LonLat
  name: string
  rules: VehicleRules
}

export type Vehicles = {
  vehicles: VehicleView[]
}

/** 预警等级 */
export type Warning = "green" | "yellow" | "red"

export type WorkGrid = {
  code: GridCode
  name: string
}

export type WorkGridListing = {
  code: GridCode
  components: number
  inspector: null | Inspector
  name: string
  unit_grids: number
}

/** One entry of a case's history: who, in which role, when, why. */
export type WorkflowEvent = {
  at: Timestamp
  /** The device command this event answers, if any. */
  command: string | null
  data: EventData
  kind: EventKind
  note: string
  role: null | Role
  user: null | UserId
}
