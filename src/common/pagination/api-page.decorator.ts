import { applyDecorators, UseInterceptors, type Type } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { PaginationInterceptor } from './pagination.interceptor';

/**
 * A paginated list route: the handler returns a Page, which PaginationInterceptor turns into a
 * JSON array with the next page in headers, and the document says so. The interceptor is bound
 * here, per list route, so that other routes never pay for it.
 */
export function ApiPage(type: Type<unknown>, description: string) {
  return applyDecorators(
    UseInterceptors(PaginationInterceptor),
    ApiOkResponse({
      type,
      isArray: true,
      description: `${description} At most \`limit\` rows (default 50, max 200).`,
      headers: {
        'X-Next-Cursor': {
          description: 'Present when more rows exist: pass it back as `?cursor=`.',
          schema: { type: 'string' },
        },
        Link: {
          description: 'Present when more rows exist: `<url>; rel="next"`.',
          schema: { type: 'string' },
        },
      },
    }),
  );
}
