// Pages of the console and who may open them. A page a role may not use is not in its menu,
// and opening its address sends the user to the overview; the server checks roles regardless.

import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import { hasRole, session, type Role } from './session'

export interface PageMeta {
  title: string
  roles: Role[] | 'all'
}

const ALL_STAFF = 'all' as const
/** Command-centre roles: they see every case. */
const CENTRE: Role[] = ['operator', 'shift_leader', 'dispatcher', 'patrol_supervisor', 'leader', 'admin']

export const pages: (RouteRecordRaw & { meta: PageMeta })[] = [
  {
    path: '/',
    component: () => import('./pages/OverviewPage.vue'),
    meta: { title: '概览', roles: ALL_STAFF },
  },
  {
    path: '/queue',
    component: () => import('./pages/cases/QueuePage.vue'),
    meta: { title: '工作台', roles: ALL_STAFF },
  },
  {
    path: '/entry',
    component: () => import('./pages/cases/CaseEntryPage.vue'),
    meta: { title: '案件录入', roles: ['operator', 'leader'] },
  },
  {
    path: '/map',
    component: () => import('./pages/cases/CaseMapPage.vue'),
    meta: { title: '案件地图', roles: CENTRE },
  },
  {
    path: '/supervision',
    component: () => import('./pages/cases/SupervisionPage.vue'),
    meta: { title: '督办案件', roles: CENTRE },
  },
  {
    path: '/evaluation',
    component: () => import('./pages/cases/EvaluationPage.vue'),
    meta: { title: '综合评价', roles: ['leader', 'shift_leader', 'dispatcher', 'patrol_supervisor', 'admin'] },
  },
  {
    path: '/conflicts',
    component: () => import('./pages/cases/ConflictsPage.vue'),
    meta: { title: '冲突处理', roles: ['admin'] },
  },
  {
    path: '/replay',
    component: () => import('./pages/ReplayPage.vue'),
    meta: { title: '轨迹回放', roles: ['patrol_supervisor', 'leader', 'admin'] },
  },
  {
    path: '/vehicles',
    component: () => import('./pages/VehiclesPage.vue'),
    meta: { title: '车辆监管', roles: ['patrol_supervisor', 'leader', 'admin'] },
  },
  {
    path: '/devices',
    component: () => import('./pages/DevicesPage.vue'),
    meta: { title: '设备管理', roles: ['admin'] },
  },
  {
    path: '/refusals',
    component: () => import('./pages/RefusalsPage.vue'),
    meta: { title: '被拒同步', roles: ['admin'] },
  },
  {
    path: '/users',
    component: () => import('./pages/UsersPage.vue'),
    meta: { title: '用户管理', roles: ['admin'] },
  },
  {
    path: '/reference',
    component: () => import('./pages/ReferencePage.vue'),
    meta: { title: '基础数据', roles: ['admin'] },
  },
  {
    path: '/import',
    component: () => import('./pages/ImportPage.vue'),
    meta: { title: '数据导入导出', roles: ['admin'] },
  },
]

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/login', component: () => import('./pages/LoginPage.vue') },
    ...pages,
    {
      path: '/cases/:id',
      component: () => import('./pages/cases/CaseDetailPage.vue'),
      meta: { title: '案件详情', roles: ALL_STAFF },
    },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

export function mayOpen(meta: PageMeta): boolean {
  return meta.roles === 'all' || hasRole(...meta.roles)
}

router.beforeEach((to) => {
  if (to.path === '/login') return true
  if (!session.token) return { path: '/login', query: { next: to.fullPath } }
  const meta = to.meta as Partial<PageMeta>
  if (meta.roles && !mayOpen(meta as PageMeta)) return '/'
  return true
})
