// Map styles of cases: a dot in the warning colour of the case's running step.

import Style from 'ol/style/Style'
import CircleStyle from 'ol/style/Circle'
import Fill from 'ol/style/Fill'
import Stroke from 'ol/style/Stroke'
import type { FeatureLike } from 'ol/Feature'
import { WARNING_COLOURS, type CaseItem, type Warning } from './cases'

const cache = new Map<string, Style>()

export function caseStyle(feature: FeatureLike): Style {
  const warning = feature.get('warning') as Warning | null
  const colour = warning ? WARNING_COLOURS[warning] : '#409eff'
  let style = cache.get(colour)
  if (!style) {
    style = new Style({
      image: new CircleStyle({ radius: 7, fill: new Fill({ color: colour }), stroke: new Stroke({ color: '#fff', width: 2 }) }),
    })
    cache.set(colour, style)
  }
  return style
}

/** Cases as a GeoJSON feature collection (WGS84), each feature carrying its id and warning. */
export function casesGeoJson(cases: CaseItem[]): object {
  return {
    type: 'FeatureCollection',
    features: cases.map((c) => ({
      type: 'Feature',
      id: c.id,
      geometry: { type: 'Point', coordinates: [c.lon, c.lat] },
      properties: { warning: c.warning, description: c.description, status_label: c.status_label },
    })),
  }
}
