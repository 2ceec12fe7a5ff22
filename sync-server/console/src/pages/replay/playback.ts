// The replay clock: a time between the first and last point that advances at a chosen speed
// (real seconds × speed) while playing.

import { onBeforeUnmount, ref } from 'vue'

export const SPEEDS = [1, 10, 60, 300] as const

export function usePlayback() {
  const start = ref(0)
  const end = ref(0)
  const at = ref(0)
  const speed = ref<number>(60)
  const playing = ref(false)
  let timer: number | undefined

  function reset(from: number, to: number) {
    pause()
    start.value = from
    end.value = to
    at.value = to
  }
  function pause() {
    playing.value = false
    if (timer !== undefined) window.clearInterval(timer)
    timer = undefined
  }
  function play() {
    if (end.value <= start.value) return
    if (at.value >= end.value) at.value = start.value
    playing.value = true
    const tickMs = 200
    timer = window.setInterval(() => {
      at.value = Math.min(end.value, at.value + tickMs * speed.value)
      if (at.value >= end.value) pause()
    }, tickMs)
  }
  onBeforeUnmount(pause)
  return { start, end, at, speed, playing, reset, play, pause }
}
