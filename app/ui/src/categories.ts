// The category table as the form uses it: names, search, and the quick-report templates.
import type { CategoryChoice, CategoryTable, Kind } from './api'

export const kindLabel = (kind: Kind): string => (kind === 'component' ? '部件' : '事件')

/// `大类 › 小类` of a choice, or its codes when the table lacks it.
export const categoryName = (table: CategoryTable, c: CategoryChoice): string => {
  const cls = table.class.find((x) => x.kind === c.kind && x.code === c.class)
  const sub = cls?.subclasses.find((s) => s.code === c.subclass)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${cls?.name ?? two(c.class)} › ${sub?.name ?? two(c.subclass)}`
}

/// Every subclass of `kind` whose class or subclass name contains `query`.
export const searchCategories = (table: CategoryTable, kind: Kind, query: string) => {
  const q = query.trim()
  return table.class
    .filter((cls) => cls.kind === kind)
    .map((cls) => ({
      cls,
      subclasses: cls.subclasses.filter((s) => !q || s.name.includes(q) || cls.name.includes(q)),
    }))
    .filter((group) => group.subclasses.length > 0)
}

/// 快速上报: the problems inspectors report most, one tap for category and description.
export interface QuickTemplate {
  label: string
  choice: CategoryChoice
  description: string
}

export const quickTemplates: QuickTemplate[] = [
  { label: '暴露垃圾', choice: { kind: 'event', class: 1, subclass: 2 }, description: '发现暴露垃圾,请及时清运' },
  { label: '道路不洁', choice: { kind: 'event', class: 1, subclass: 4 }, description: '路面不洁,请安排保洁' },
  { label: '占道经营', choice: { kind: 'event', class: 5, subclass: 1 }, description: '发现占道经营,影响通行' },
  { label: '机动车乱停放', choice: { kind: 'event', class: 5, subclass: 4 }, description: '机动车乱停放,占用人行道' },
  { label: '非法小广告', choice: { kind: 'event', class: 2, subclass: 1 }, description: '发现非法小广告' },
  { label: '污水井盖破损', choice: { kind: 'component', class: 1, subclass: 2 }, description: '污水井盖破损,存在安全隐患' },
]
