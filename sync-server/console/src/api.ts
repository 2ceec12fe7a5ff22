// The console's one way to the server: JSON over fetch with the session's bearer token.
// Every failure becomes an ApiFailure carrying the server's own (Chinese) message.

import { session, signOut } from './session'

export class ApiFailure extends Error {
  constructor(
    public readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

async function failureOf(response: Response): Promise<ApiFailure> {
  let message = `服务器返回 ${response.status}`
  try {
    const body = await response.json()
    if (typeof body?.error === 'string') message = body.error
  } catch {
    // Not JSON (a proxy's error page): keep the status line.
  }
  return new ApiFailure(response.status, message)
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (session.token) headers.Authorization = `Bearer ${session.token}`
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  let response: Response
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw new ApiFailure(0, '无法连接服务器，请检查网络')
  }
  if (response.status === 401) signOut()
  if (!response.ok) throw await failureOf(response)
  return (await response.json()) as T
}

/** The server's message for a failed call, or `fallback` for anything else. */
export function failureText(e: unknown, fallback: string): string {
  return e instanceof ApiFailure ? e.message : fallback
}

export const get = <T>(path: string) => request<T>('GET', path)
export const post = <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {})
