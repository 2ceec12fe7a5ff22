// Loading a page's data: a reactive value, a loading flag and the server's error message.

import { ref, type Ref } from 'vue'
import { ApiFailure } from './api'

export function useLoad<T>(fetcher: () => Promise<T>, initial: T) {
  const data = ref(initial) as Ref<T>
  const loading = ref(false)
  const error = ref('')
  async function reload() {
    loading.value = true
    error.value = ''
    try {
      data.value = await fetcher()
    } catch (e) {
      error.value = e instanceof ApiFailure ? e.message : String(e)
    } finally {
      loading.value = false
    }
  }
  return { data, loading, error, reload }
}
