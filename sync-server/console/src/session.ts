// Who is signed in to the console. The token lives in sessionStorage so that closing the
// browser tab ends the session on a shared command-centre workstation.

import { reactive } from 'vue'
import type { Me, Role } from './generated/api'
export type { Me, Role } from './generated/api'



const STORAGE_KEY = 'cgt-console-session'

function restore(): { token: string | null; me: Me | null } {
  try {
    const saved = sessionStorage.getItem(STORAGE_KEY)
    if (saved) return JSON.parse(saved)
  } catch {
    sessionStorage.removeItem(STORAGE_KEY)
  }
  return { token: null, me: null }
}

export const session = reactive(restore())

export function signIn(token: string, me: Me) {
  session.token = token
  session.me = me
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ token, me }))
}

export function signOut() {
  session.token = null
  session.me = null
  sessionStorage.removeItem(STORAGE_KEY)
}

export function hasRole(...roles: Role[]): boolean {
  return !!session.me && session.me.roles.some((r) => roles.includes(r))
}

export const ROLE_LABELS: Record<Role, string> = {
  inspector: '监督员',
  operator: '受理员',
  shift_leader: '值班长',
  dispatcher: '派遣员',
  department_handler: '处置人员',
  patrol_supervisor: '巡查主管',
  leader: '领导',
  admin: '系统管理员',
}
