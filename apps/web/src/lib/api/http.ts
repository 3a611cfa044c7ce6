/** The API's error body: `{ error: { code, message, field? } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

type Listener = (error: ApiError) => void;
const unauthorizedListeners = new Set<Listener>();

/** The session provider learns here that the session ended (401 on any call). */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** The `ApiError` for a failed answer, from its `{ error }` body when it has one. */
export function apiErrorOf(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
  return new ApiError(
    status,
    error?.code ?? `http_${status}`,
    error?.message ?? `The server answered ${status}`,
    error?.field,
  );
}

/** Headers every request carries; uploads (XMLHttpRequest, for progress) set the same. */
export const REQUEST_HEADERS: Readonly<Record<string, string>> = { accept: 'application/json' };

/**
 * The one door every request of the dashboard goes through (JSON calls, the typed client, frames): same-origin
 * credentials, the common headers, a network failure as an `ApiError`, and a 401 told to the session.
 */
export async function apiFetch(input: Request): Promise<Response> {
  const request = new Request(input, { credentials: 'same-origin' });
  for (const [name, value] of Object.entries(REQUEST_HEADERS)) {
    if (!request.headers.has(name)) request.headers.set(name, value);
  }
  let response: Response;
  try {
    response = await fetch(request);
  } catch (failure) {
    if (request.signal.aborted) throw failure;
    throw new ApiError(0, 'network', 'The server cannot be reached; check the connection and try again');
  }
  if (response.status === 401 && !new URL(request.url).pathname.startsWith('/api/auth/sign-')) {
    const failure = apiErrorOf(
      401,
      await response
        .clone()
        .json()
        .catch(() => undefined),
    );
    for (const listener of unauthorizedListeners) listener(failure);
  }
  return response;
}

/** Builds a query string from the defined, non-empty values (for URLs outside the typed client: uploads, images). */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong';
}
