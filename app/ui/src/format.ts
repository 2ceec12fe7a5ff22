// Formatting for the screens: times in China Standard Time, byte sizes, distances.

const timeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
})

export const formatTime = (millis: number | null | undefined): string =>
  millis == null ? '从未' : timeFormat.format(new Date(millis))

export const formatBytes = (bytes: number): string => {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

export const formatMetres = (m: number): string => `${Math.round(m)} 米`

export const formatDuration = (ms: number): string => {
  const minutes = Math.floor(ms / 60000)
  const hours = Math.floor(minutes / 60)
  return hours > 0 ? `${hours} 小时 ${minutes % 60} 分` : `${minutes} 分 ${Math.floor(ms / 1000) % 60} 秒`
}
