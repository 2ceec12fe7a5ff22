// The admin's pages as the console sees them: the server's JSON shapes for people and
// reference data, and the calls that read and change them. The server checks every value;
// the forms only spare the admin a round trip for the obvious mistakes.

import { get, post, request } from './api'
import type { Role } from './session'
import type {
  CategoryTable,
  ChangeUser,
  Class,
  ComponentBody,
  ComponentItem,
  ComponentItems,
  CreateUser,
  DepartmentListing,
  UnitGridListing,
  UserListing,
  WorkGridListing,
} from './generated/api'
export type User = UserListing
export type NewUser = CreateUser
export type UserChange = ChangeUser
export type Department = DepartmentListing
export type CategoryClass = Class
export type WorkGrid = WorkGridListing
export type UnitGrid = UnitGridListing
export type Component = ComponentItem
export type ComponentPage = ComponentItems
export type ComponentForm = ComponentBody
export type { CategoryTable }

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
