// Shapes of the patrol-track API (sync-server/src/api/tracks.rs) as the replay page reads them,
// from the generated types.
import type { Anomaly, DaySummary, LonLat, OnShift, Person, Stop, TrackAnswer } from '../../generated/api'
export type { Person, OnShift, Stop, Anomaly, DaySummary, LonLat }
export type DayTrack = TrackAnswer
export interface LatLon { lat: number; lon: number }
export interface Span { from: number; to: number }

export const ANOMALY_LABELS: Record<Anomaly['kind'], string> = {
  mock_location: '模拟定位',
  too_fast_on_foot: '步行速度异常',
  long_gap: '长时间无定位',
}
