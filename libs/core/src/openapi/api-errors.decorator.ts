import { SetMetadata } from '@nestjs/common';

export const API_ERRORS_METADATA = 'farmhand:api-errors';

/** HTTP status -> the domain error codes a route answers with it. */
export type DeclaredErrors = Readonly<Partial<Record<number, readonly string[]>>>;

/**
 * The errors a route answers besides those every route shares by construction (the guard's 401/403/404, the
 * validation pipe's 400, the database's 503), which the OpenAPI document adds itself
 * (`apps/api/src/openapi-document.ts`). Every route carries it, `@ApiErrors()` when it has none of its own: a route
 * without it has no error responses in the document and fails the contract test.
 */
export const ApiErrors = (errors: DeclaredErrors = {}): MethodDecorator => SetMetadata(API_ERRORS_METADATA, errors);

/** Several routes' or services' errors together (a route that also runs another's command). */
export function mergeErrors(...all: DeclaredErrors[]): DeclaredErrors {
  const merged: Record<number, string[]> = {};
  for (const errors of all) {
    for (const [status, codes] of Object.entries(errors)) {
      merged[Number(status)] = [...new Set([...(merged[Number(status)] ?? []), ...(codes ?? [])])];
    }
  }
  return merged;
}
