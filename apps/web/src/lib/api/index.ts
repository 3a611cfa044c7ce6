export { client, unwrap } from './client';
export { ApiError, REQUEST_HEADERS, apiErrorOf, apiFetch, messageOf, onUnauthorized, query } from './http';
