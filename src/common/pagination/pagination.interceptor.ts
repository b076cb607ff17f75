import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';
import { Page } from './page';

/**
 * Lists are JSON arrays, as the product docs show. When a handler returns a Page, the rows
 * become the body and the way to the next page goes in headers: `X-Next-Cursor` and a
 * relative `Link: <...>; rel="next"` that repeats the request's own query with the new cursor.
 */
@Injectable()
export class PaginationInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((result: unknown) => {
        if (!(result instanceof Page)) return result;
        const page = result as Page<unknown>;
        if (page.nextCursor) {
          const http = context.switchToHttp();
          const request = http.getRequest<FastifyRequest>();
          const reply = http.getResponse<FastifyReply>();
          const url = new URL(request.url, 'http://echo.invalid');
          url.searchParams.set('cursor', page.nextCursor);
          void reply.header('X-Next-Cursor', page.nextCursor);
          void reply.header('Link', `<${url.pathname}${url.search}>; rel="next"`);
        }
        return page.items;
      }),
    );
  }
}
