// Our layers over GCJ-02 tiles (AMap, Tencent): every position of a GeoJSON object goes to
// the server, which converts it (the formula's one home is the server's `gcj02` module), and
// comes back in place. Over WGS84 tiles layers are drawn as they are.

import { post } from './api'
import type { MapPoints } from './generated/api'

const NESTED = ['coordinates', 'geometry', 'features', 'geometries']

/** The positions (`[lon, lat, …]` arrays) of a GeoJSON object, in order. */
function positions(node: unknown, out: number[][]): void {
  if (Array.isArray(node)) {
    if (typeof node[0] === 'number') out.push(node as number[])
    else for (const child of node) positions(child, out)
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) if (NESTED.includes(key)) positions(value, out)
  }
}

/** Layers already converted, by the object they came from: a map redrawn with the same
 * layers (a slider, a selection) asks the server once. */
const converted = new WeakMap<object, Promise<object>>()

/** A copy of `geojson` with every position where it lies on GCJ-02 tiles. */
export function toGcj02<T extends object>(geojson: T): Promise<T> {
  let done = converted.get(geojson)
  if (!done) {
    done = convert(geojson)
    done.catch(() => converted.delete(geojson))
    converted.set(geojson, done)
  }
  return done as Promise<T>
}

async function convert<T extends object>(geojson: T): Promise<T> {
  const copy = structuredClone(geojson)
  const found: number[][] = []
  positions(copy, found)
  if (found.length === 0) return copy
  const points = found.map((p) => [p[0], p[1]] as MapPoints['points'][number])
  const answer = await post<MapPoints>('/api/v1/map-points?direction=to_gcj02', { points })
  found.forEach((p, i) => {
    p[0] = answer.points[i][0]
    p[1] = answer.points[i][1]
  })
  return copy
}
