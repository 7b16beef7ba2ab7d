import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

/**
 * How a route describes what it answers, so a client can be generated from /api/docs-json:
 *
 *   @Get(':id')
 *   @RequirePermission('calls:read')          // bearer security, 401 and 403 (a @Public() route has none)
 *   @ApiOkResponse({ type: CallView })        // the 2xx body: a view class with @ApiProperty on every field
 *   @ApiProblems(404)                         // the problem details it can answer with
 *   get(...): Promise<CallView>
 *
 * and a list: `@ApiPage(CallView)` (a `{ items, nextCursor }` schema named CallViewPage). View classes live in the
 * module's `dto/*.views.ts`; annotate the handler's return type with them, so the compiler holds the documented
 * fields to what the service returns. test/openapi.e2e-spec.ts checks every operation and validates real responses.
 */

export class FieldProblemDto {
  @ApiProperty({ example: 'projectEnd' })
  field: string;

  @ApiProperty({ example: 'PROJECT_ENDS_BEFORE_START', description: 'stable, for programs' })
  code: string;

  @ApiProperty({ example: 'the project ends before it starts', description: 'for people' })
  message: string;
}

/** RFC 9457 problem details, as every error leaves the API (application/problem+json). */
export class ProblemDetailsDto {
  @ApiProperty({ example: 'about:blank' })
  type: string;

  @ApiProperty({ example: 'Bad Request' })
  title: string;

  @ApiProperty({ example: 400 })
  status: number;

  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'stable error code; the module’s *.errors.ts lists them' })
  code: string;

  @ApiPropertyOptional({ example: 'The request has invalid fields.' })
  detail?: string;

  @ApiPropertyOptional({ example: '/api/v1/applications' })
  instance?: string;

  @ApiPropertyOptional({ type: [FieldProblemDto], description: 'for validation problems: every field that is wrong' })
  errors?: FieldProblemDto[];

  @ApiPropertyOptional({ description: 'the x-request-id of the request, to find it in the logs' })
  requestId?: string;
}

const PROBLEMS = {
  400: 'Invalid request: problem details list each wrong field (VALIDATION_FAILED, MALFORMED_JSON, INVALID_CURSOR …)',
  401: 'No valid access token or API token (UNAUTHENTICATED)',
  403: 'The token is valid but lacks the permission (FORBIDDEN)',
  404: 'Not found, or not yours to see (NOT_FOUND)',
  409: 'Conflicts with the current state (e.g. a state transition that is not allowed now)',
  413: 'The body or file is too large',
  415: 'The file is not of a type the route takes (recognised by its content, not its name)',
  422: 'Understood but refused by the rules (e.g. submission with blocking problems)',
  429: 'Too many attempts; see Retry-After',
  503: 'A dependency (database, queue) is unavailable',
} as const;
export type ProblemStatus = keyof typeof PROBLEMS;

/** The problem details a route can answer with, each as application/problem+json with the ProblemDetails schema. */
export function ApiProblems(...statuses: ProblemStatus[]) {
  return applyDecorators(
    ApiExtraModels(ProblemDetailsDto, FieldProblemDto),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: PROBLEMS[status],
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetailsDto) } } },
      }),
    ),
  );
}

const pages = new Map<Type<unknown>, Type<unknown>>();

/** The page schema of a list of `item` (`{ items, nextCursor }`), one named class per item type: CallView → CallViewPage. */
export function PageOf(item: Type<unknown>): Type<unknown> {
  const known = pages.get(item);
  if (known) return known;
  class Page {
    items: unknown[];
    nextCursor: string | null;
  }
  ApiProperty({ type: [item] })(Page.prototype, 'items');
  ApiProperty({ type: String, nullable: true, description: 'pass as `cursor` for the next page; null on the last page' })(
    Page.prototype,
    'nextCursor',
  );
  Object.defineProperty(Page, 'name', { value: `${item.name}Page` });
  pages.set(item, Page);
  return Page;
}

/** A list route's 200: a page of `item` (see PageOf); the route also answers 400 for a bad limit or cursor. */
export function ApiPage(item: Type<unknown>) {
  return applyDecorators(
    ApiResponse({ status: 200, description: 'a page; follow nextCursor for the next', type: PageOf(item) }),
    ApiProblems(400),
  );
}
