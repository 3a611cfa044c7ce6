import { Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import type { Observable } from 'rxjs';
import { DomainException } from '../errors/domain.exception';
import { mapError } from '../errors/error-mapping';
import { RequestContext } from '../logging/request-context';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Whether a browser's headers show the request coming from `publicOrigin` (or give no sign either way). */
export function sameOriginRequest(
  headers: { origin?: string; 'sec-fetch-site'?: string; referer?: string },
  publicOrigin: string,
): boolean {
  const { origin, referer } = headers;
  if (origin !== undefined) return origin === publicOrigin;
  const site = headers['sec-fetch-site'];
  // `none`: the person typed the URL or used a bookmark; `same-site` is another port or a sibling subdomain.
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  if (referer !== undefined) {
    try {
      return new URL(referer).origin === publicOrigin;
    } catch {
      return false;
    }
  }
  // No browser sends an unsafe cross-site request without any of the three: this is a script or a tool.
  return true;
}

/**
 * Cross-site request forgery: a request that carries the session cookie (ambient: the browser attaches it on its
 * own) and changes state must come from the configured public origin (`PUBLIC_URL`). SameSite=Lax alone lets a
 * same-site page (another port, a sibling subdomain) through. Requests with an `Authorization` header (API keys,
 * agent credentials) are exempt: nothing attaches those on a page's behalf.
 */
export function crossSiteRequestMiddleware(options: { publicUrl: string; sessionCookie: string }) {
  const publicOrigin = new URL(options.publicUrl).origin;
  const cookiePattern = new RegExp(`(?:^|;\\s*)${options.sessionCookie}=`);
  return (request: Request, response: Response, next: NextFunction): void => {
    if (!UNSAFE_METHODS.has(request.method)) return next();
    if (request.headers.authorization !== undefined) return next();
    if (!cookiePattern.test(request.headers.cookie ?? '')) return next();
    if (sameOriginRequest(request.headers, publicOrigin)) return next();
    const refused = DomainException.forbidden(
      'cross_site_request',
      `A signed-in browser may change things only from ${publicOrigin}`,
    );
    const mapped = mapError(refused, RequestContext.correlationId() ?? 'none');
    // The body is not read: close after answering.
    response.setHeader('connection', 'close');
    response.status(mapped.status).json(mapped.body);
  };
}

const ACCEPTS_RAW_BODY = 'farmhand:accepts-raw-body';

/** Marks a route that reads its own body in another media type (uploads), exempt from the JSON-only rule. */
export const AcceptsRawBody = (): MethodDecorator => SetMetadata(ACCEPTS_RAW_BODY, true);

/**
 * JSON routes refuse a body that is not `application/json` (415) instead of ignoring it: a `text/plain` form post is
 * the one kind of cross-site request a browser sends without asking first.
 */
@Injectable()
export class JsonBodyOnlyInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    if (UNSAFE_METHODS.has(request.method) && hasBody(request) && !isJson(request)) {
      const raw = this.reflector.getAllAndOverride<boolean>(ACCEPTS_RAW_BODY, [
        context.getHandler(),
        context.getClass(),
      ]);
      if (!raw) {
        throw new DomainException(
          'unsupported_media_type',
          'unsupported_media_type',
          'Send the body as application/json',
        );
      }
    }
    return next.handle();
  }
}

function hasBody(request: Request): boolean {
  const length = Number(request.headers['content-length'] ?? 0);
  return length > 0 || request.headers['transfer-encoding'] !== undefined;
}

function isJson(request: Request): boolean {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}
