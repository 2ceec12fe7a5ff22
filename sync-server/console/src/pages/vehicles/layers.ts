// The vehicles map: each prescribed route (line drawn as wide as its corridor is not possible
// in screen units, so it is a dashed line), the registered sites, and the selected alarm's
// evidence positions.

import { Circle, Fill, Stroke, Style } from 'ol/style'
import type { MapLayer } from '../../components/MapView.vue'
import type { Vehicle, VehicleAlarm } from './types'

const feature = (geometry: object, properties: object = {}) => ({ type: 'Feature', geometry, properties })
const collection = (features: object[]) => ({ type: 'FeatureCollection', features })

const routeStyle = new Style({ stroke: new Stroke({ color: '#409eff', width: 4, lineDash: [10, 6] }) })
const siteStyle = new Style({
  stroke: new Stroke({ color: '#67c23a', width: 2 }),
  fill: new Fill({ color: 'rgba(103,194,58,0.2)' }),
})
const evidenceStyle = [
  new Style({ stroke: new Stroke({ color: '#f56c6c', width: 3 }) }),
  new Style({ image: new Circle({ radius: 5, fill: new Fill({ color: '#f56c6c' }), stroke: new Stroke({ color: '#fff', width: 2 }) }) }),
]

export function vehicleLayers(vehicles: Vehicle[], alarm: VehicleAlarm | null): MapLayer[] {
  const shown = alarm ? vehicles.filter((v) => v.id === alarm.vehicle_id) : vehicles
  const routes = shown
    .filter((v) => v.rules.corridor)
    .map((v) => feature({ type: 'LineString', coordinates: v.rules.corridor!.line }))
  const sites = shown.flatMap((v) =>
    v.rules.sites.map((s) => feature({ type: 'Polygon', coordinates: [s.polygon] }, { name: s.name })),
  )
  const evidence = alarm
    ? [
        feature({ type: 'LineString', coordinates: alarm.evidence.map((p) => [p[0], p[1]]) }),
        ...alarm.evidence.map((p) => feature({ type: 'Point', coordinates: [p[0], p[1]] })),
      ]
    : []
  return [
    { name: 'routes', geojson: collection(routes), style: routeStyle },
    { name: 'sites', geojson: collection(sites), style: siteStyle },
    { name: 'evidence', geojson: collection(evidence), style: evidenceStyle },
  ]
}
