// Shapes of the vehicle API (sync-server/src/api/vehicles.rs) as the vehicles page reads them,
// from the generated types.
import type { AlarmKind, AlarmView, LonLat, VehicleView } from '../../generated/api'
export type { LonLat, AlarmKind }
export type Vehicle = VehicleView
export type VehicleAlarm = AlarmView
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
