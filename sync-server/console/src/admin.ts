// The admin's pages as the console sees them: the server's JSON shapes for people and
// reference data, and the calls that read and change them. The server checks every value;
// the forms only spare the admin a round trip for the obvious mistakes.

import { get, post, request } from './api'
import type { Role } from './session'

export interface User {
  id: string
  username: string
  display_name: string
  roles: Role[]
  department_id: number | null
  department_name: string | null
  active: boolean
  created_at: number
  work_grids: string[]
}

export interface NewUser {
  username: string
  display_name: string
  password: string
  roles: Role[]
  department_id: number | null
}

export interface UserChange {
  display_name?: string
  roles?: Role[]
  department_id?: number | null
  active?: boolean
}

export interface Department {
  id: number
  code: string
  name: string
  staff: number
  owned_components: number
  maintained_components: number
}

export interface CategoryClass {
  kind: 'component' | 'event'
  code: number
  name: string
  subclasses: { code: number; name: string }[]
}

export interface CategoryTable {
  version: number
  class: CategoryClass[]
}

export interface WorkGrid {
  code: string
  name: string
  inspector: { id: string; username: string; display_name: string } | null
  unit_grids: number
  components: number
}

export interface UnitGrid {
  code: string
  street: string
  community: string
  work_grid: string | null
  /** [min_lon, min_lat, max_lon, max_lat] */
  bbox: [number, number, number, number]
  components: number
}

export interface Component {
  id: string
  lon: number
  lat: number
  unit_grid: string
  owner: number | null
  maintainer: number | null
  version: number
  class: number
  subclass: number
  category_label: string
}

export interface ComponentPage {
  total: number
  items: Component[]
}

/** A component as the dialog sends it; `id` only when adding. */
export interface ComponentForm {
  id?: string
  lon: number
  lat: number
  unit_grid: string
  owner: number | null
  maintainer: number | null
}

export interface ComponentQuery {
  id: string
  unit_grid: string
  offset: number
  limit: number
}

/** The same rule as the server's: at least this many characters. */
export const MIN_PASSWORD_CHARS = 8

const USERS = '/api/v1/admin/users'
const COMPONENTS = '/api/v1/admin/components'

export const users = () => get<User[]>(USERS)
export const createUser = (user: NewUser) => post<User>(USERS, user)
export const changeUser = (id: string, change: UserChange) =>
  request<User>('PATCH', `${USERS}/${id}`, change)
export const resetPassword = (id: string, password: string) =>
  post<User>(`${USERS}/${id}/password`, { password })

export const departments = () => get<Department[]>('/api/v1/admin/departments')
export const categories = () => get<CategoryTable>('/api/v1/admin/categories')
export const workGrids = () => get<WorkGrid[]>('/api/v1/admin/work-grids')
export const assignInspector = (workGrid: string, inspector: string | null) =>
  request<WorkGrid & { version: number }>('PUT', `/api/v1/admin/work-grids/${workGrid}/inspector`, { inspector })
export const unitGrids = (workGrid?: string) =>
  get<UnitGrid[]>(`/api/v1/admin/unit-grids${workGrid ? `?work_grid=${workGrid}` : ''}`)

export function components(query: ComponentQuery): Promise<ComponentPage> {
  const params = new URLSearchParams({
    id: query.id.trim(),
    unit_grid: query.unit_grid.trim(),
    offset: String(query.offset),
    limit: String(query.limit),
  })
  return get<ComponentPage>(`${COMPONENTS}?${params}`)
}
export const addComponent = (form: ComponentForm) =>
  post<Component & { version: number }>(COMPONENTS, form)
export const changeComponent = (id: string, form: ComponentForm) =>
  request<Component & { version: number }>('PUT', `${COMPONENTS}/${id}`, form)
export const retireComponent = (id: string) =>
  post<{ version: number; id: string }>(`${COMPONENTS}/${id}/retire`)

/** Element Plus tag colours by role: the admin and the field roles stand out. */
export const ROLE_TAG: Record<Role, 'danger' | 'success' | 'warning' | 'primary' | 'info'> = {
  admin: 'danger',
  inspector: 'success',
  department_handler: 'warning',
  operator: 'primary',
  shift_leader: 'primary',
  dispatcher: 'primary',
  patrol_supervisor: 'info',
  leader: 'info',
}
