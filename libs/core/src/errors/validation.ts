import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

function firstProblem(errors: ValidationError[], prefix = ''): { field: string; message: string } | undefined {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) {
      if (error.constraints.whitelistValidation) {
        return { field, message: `${field} is not an allowed field` };
      }
      const message = Object.values(error.constraints)[0] ?? `${field} is invalid`;
      return { field, message };
    }
    if (error.children?.length) {
      const nested = firstProblem(error.children, field);
      if (nested) return nested;
    }
  }
  return undefined;
}

/**
 * Unknown fields are refused (mass assignment: `orgId`, `role`, `ownerId` in a body never reach a service),
 * types are checked, and the message names the field.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    forbidUnknownValues: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => {
      const problem = firstProblem(errors) ?? { field: undefined, message: 'Invalid request body' };
      return new BadRequestException({
        error: { code: 'validation_failed', message: problem.message, field: problem.field },
      });
    },
  });
}
