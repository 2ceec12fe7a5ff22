// Importing a layer of the city's base data: the file goes up as the request body, first as a
// dry run whose report the admin reads (and sees on the map), then again to confirm. The
// server checks everything; its report is shown as it is.

import { ApiFailure } from './api'
import { session, signOut } from './session'
import type { ImportReport, Layer, Problem, ProblemKind } from './generated/api'
export type { ImportReport, Layer, Problem }

export const LAYERS: { value: Layer; label: string; hint: string }[] = [
  { value: 'departments', label: '部门', hint: 'CSV 等: code, name' },
  { value: 'work-grids', label: '工作网格', hint: 'code (15 位), name, inspector (监督员账号)' },
  { value: 'unit-grids', label: '单元网格', hint: '面: code (15 位), street, community, work_grid' },
  { value: 'components', label: '部件', hint: '点: code (16 位), owner, maintainer (部门编码)' },
]

export const PROBLEM_LABELS: Record<ProblemKind, string> = {
  missing_field: '缺少字段',
  bad_code: '编码错误',
  duplicate_code: '编码重复',
  wrong_geometry: '几何类型不符',
  unconvertible: '坐标无法换算',
  invalid_polygon: '多边形无效',
  overlap: '网格重叠',
  gap: '网格间空隙',
  outside_grids: '不在任何网格内',
  grid_contradicts_code: '所在网格与编码不符',
  unknown_department: '部门不存在',
  unknown_work_grid: '工作网格不存在',
  unknown_inspector: '监督员不存在',
  retires_in_use: '停用仍在使用的数据',
}

export interface ImportOptions {
  layer: Layer
  crs: string
  table: string
  apply: boolean
}

/** Sends `file` for a dry run, or (with `apply`) for the import itself. */
export async function importLayer(file: File, options: ImportOptions): Promise<ImportReport> {
  const query = new URLSearchParams()
  if (options.crs.trim()) query.set('crs', options.crs.trim())
  if (options.table.trim()) query.set('table', options.table.trim())
  if (options.apply) query.set('apply', 'true')
  const response = await fetch(`/api/v1/admin/import/${options.layer}?${query}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${session.token}`, 'Content-Type': 'application/octet-stream' },
    body: file,
  })
  if (response.status === 401) signOut()
  const body = await response.json().catch(() => ({}))
  if (!response.ok) throw new ApiFailure(response.status, body.error ?? `导入失败 (${response.status})`)
  return body as ImportReport
}

/** The problems that have a place, as GeoJSON points for the map. */
export function problemsGeoJson(problems: Problem[]): object {
  return {
    type: 'FeatureCollection',
    features: problems
      .filter((p) => p.position)
      .map((p, i) => ({
        type: 'Feature',
        id: i,
        properties: { severity: p.severity, kind: p.kind, code: p.code, message: p.message },
        geometry: { type: 'Point', coordinates: p.position },
      })),
  }
}
