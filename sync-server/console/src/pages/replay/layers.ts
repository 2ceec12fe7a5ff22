// The replay map's layers as GeoJSON: unit grids coloured by coverage, the path up to the
// slider's time, stops, reports made along the way and the inspector's current position.

import { Circle, Fill, Stroke, Style, Text } from 'ol/style'
import type { FeatureLike } from 'ol/Feature'
import type { MapLayer } from '../../components/MapView.vue'
import type { DaySummary, DayTrack } from './types'

const feature = (geometry: object, properties: object = {}) => ({ type: 'Feature', geometry, properties })
const collection = (features: object[]) => ({ type: 'FeatureCollection', features })

function gridStyle(f: FeatureLike) {
  const visited = f.get('visited') as boolean
  return new Style({
    stroke: new Stroke({ color: '#8a9199', width: 1 }),
    fill: new Fill({ color: visited ? 'rgba(103,194,58,0.25)' : 'rgba(245,108,108,0.18)' }),
  })
}

const pathStyle = new Style({ stroke: new Stroke({ color: '#1f6fd1', width: 3 }) })
const stopStyle = new Style({
  image: new Circle({ radius: 6, fill: new Fill({ color: '#e6a23c' }), stroke: new Stroke({ color: '#fff', width: 2 }) }),
})
const hereStyle = new Style({
  image: new Circle({ radius: 8, fill: new Fill({ color: '#1f6fd1' }), stroke: new Stroke({ color: '#fff', width: 3 }) }),
})
function reportStyle(f: FeatureLike) {
  return new Style({
    image: new Circle({ radius: 7, fill: new Fill({ color: '#f56c6c' }), stroke: new Stroke({ color: '#fff', width: 2 }) }),
    text: new Text({ text: f.get('label'), offsetY: -16, font: '12px sans-serif' }),
  })
}

/** The path up to `until`; the last position is interpolated between the two points around
 *  it, since a simplified track keeps only the corners of a walk. */
export function walkedUntil(points: DayTrack['points'], until: number): [number, number][] {
  const done = points.filter((p) => p[2] <= until)
  const next = points[done.length]
  const last = done[done.length - 1]
  const path: [number, number][] = done.map((p) => [p[0], p[1]])
  if (last && next && next[2] > last[2]) {
    const f = (until - last[2]) / (next[2] - last[2])
    path.push([last[0] + (next[0] - last[0]) * f, last[1] + (next[1] - last[1]) * f])
  }
  return path
}

export function replayLayers(day: DaySummary, track: DayTrack, until: number): MapLayer[] {
  const visited = new Set(day.coverage.visited)
  const grids = day.grids.map((g) =>
    feature(
      { type: 'Polygon', coordinates: [g.ring] },
      { code: g.code, visited: visited.has(g.code) },
    ),
  )
  const walked = walkedUntil(track.points, until)
  const path = walked.length > 1 ? [feature({ type: 'LineString', coordinates: walked })] : []
  const here = walked.length > 0 ? [feature({ type: 'Point', coordinates: walked[walked.length - 1] })] : []
  const stops = day.summary.stops.map((s) => feature({ type: 'Point', coordinates: [s.lon, s.lat] }))
  const reports = day.reports
    .filter((r) => r.at <= until)
    .map((r) => feature({ type: 'Point', coordinates: [r.lon, r.lat] }, { label: r.label }))
  return [
    { name: 'grids', geojson: collection(grids), style: gridStyle },
    { name: 'path', geojson: collection(path), style: pathStyle },
    { name: 'stops', geojson: collection(stops), style: stopStyle },
    { name: 'reports', geojson: collection(reports), style: reportStyle },
    { name: 'here', geojson: collection(here), style: hereStyle },
  ]
}
