// Shapes of the vehicle API (sync-server/src/api/vehicles.rs) as the vehicles page reads them.

export type LonLat = [number, number]
export type AlarmKind = 'overspeed' | 'off_route' | 'stop_outside_site'

export interface Vehicle {
  id: string
  name: string
  kind: 'muck_truck' | 'sanitation'
  rules: {
    speed_limit_kmh: number
    corridor: { line: LonLat[]; width_m: number } | null
    sites: { name: string; polygon: LonLat[] }[]
  }
  last_at: number | null
  last_position: LonLat | null
}

export interface VehicleAlarm {
  vehicle_id: string
  vehicle_name: string
  kind: AlarmKind
  from: number
  to: number
  peak: number
  /** `[lon, lat, time ms, speed m/s or null]` */
  evidence: [number, number, number, number | null][]
}

export const KIND_LABELS: Record<Vehicle['kind'], string> = {
  muck_truck: '渣土车',
  sanitation: '环卫车',
}

export const ALARM_LABELS: Record<AlarmKind, string> = {
  overspeed: '超速',
  off_route: '偏离路线',
  stop_outside_site: '违规停车',
}

/** The peak in words: km/h for overspeed, metres off route, minutes stopped. */
export function peakText(alarm: VehicleAlarm): string {
  switch (alarm.kind) {
    case 'overspeed':
      return `最高 ${alarm.peak.toFixed(0)} km/h`
    case 'off_route':
      return `最远偏离 ${alarm.peak.toFixed(0)} 米`
    case 'stop_outside_site':
      return `停车 ${alarm.peak.toFixed(0)} 分钟`
  }
}
