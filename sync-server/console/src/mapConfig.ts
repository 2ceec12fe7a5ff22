// Map configuration from the server (the tile URL is deployment configuration, e.g. a
// Tianditu key); fetched once. With no tile URL the maps show vector layers only.

import { get } from './api'
import type { MapConfig } from './generated/api'
export type { MapConfig } from './generated/api'


let cached: Promise<MapConfig> | null = null

export function mapConfig(): Promise<MapConfig> {
  cached ??= get<MapConfig>('/api/v1/map-config').catch(() => ({ tile_url: null, tile_system: 'wgs84' as const }))
  return cached
}
