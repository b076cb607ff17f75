import { applyDecorators, type Type } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';

/** Documents a paginated list: a JSON array, with the next page in headers. */
export function ApiPage(type: Type<unknown>, description: string) {
  return applyDecorators(
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
