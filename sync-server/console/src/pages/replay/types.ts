// Shapes of the patrol-track API (sync-server/src/api/tracks.rs) as the replay page reads them.

export interface Person { id: string; username: string; display_name: string }
export interface LatLon { lat: number; lon: number }
/** `[lon, lat]`, as the server's geometry writes points. */
export type LonLat = [number, number]
export interface OnShift {
  person: Person
  shift_started_at: number
  last_at: number | null
  last_position: LonLat | null
}
export interface Span { from: number; to: number }
export interface Stop extends Span, LatLon {}
export type Anomaly =
  | ({ kind: 'mock_location' } & Span)
  | ({ kind: 'too_fast_on_foot'; speed_mps: number } & Span)
  | ({ kind: 'long_gap' } & Span)
export interface DaySummary {
  person: Person
  date: string
  shifts: { id: string; started_at: number; ended_at: number | null }[]
  summary: {
    points: number
    distance_m: number
    duration_ms: number
    stops: Stop[]
    gaps: Span[]
    anomalies: Anomaly[]
  }
  coverage: { visited: string[]; missed: string[]; share: number }
  grids: { code: string; ring: LonLat[] }[]
  reports: { id: string; at: number; lat: number; lon: number; label: string }[]
}
export interface DayTrack {
  total_points: number
  /** [lon, lat, time ms] after simplification for the zoom level. */
  points: [number, number, number][]
}

export const ANOMALY_LABELS: Record<Anomaly['kind'], string> = {
  mock_location: '模拟定位',
  too_fast_on_foot: '步行速度异常',
  long_gap: '长时间无定位',
}
