import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { RuncellConfig } from '../../config';
import { AppError, ErrorCode } from '../errors';
import type { PaginationDto } from './page.dto';

/** The position after the last row of a page: its sort value and id (keyset pagination). */
export interface CursorPosition {
  value: string | number;
  id: string;
}

/**
 * Opaque, tamper-evident cursors. The payload is signed together with a scope (who listed what,
 * sorted how), so an edited cursor, or one taken from another listing, is `INVALID_CURSOR`.
 */
export class CursorCodec {
  constructor(private readonly key: string) {}

  encode(position: CursorPosition, scope: string): string {
    const payload = Buffer.from(JSON.stringify([position.value, position.id])).toString(
      'base64url',
    );
    return `${payload}.${this.sign(payload, scope)}`;
  }

  decode(cursor: string, scope: string): CursorPosition {
    const [payload, signature, extra] = cursor.split('.');
    if (!payload || !signature || extra !== undefined || !this.verify(payload, scope, signature)) {
      throw invalidCursor();
    }
    try {
      const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      if (
        Array.isArray(parsed) &&
        parsed.length === 2 &&
        (typeof parsed[0] === 'string' || typeof parsed[0] === 'number') &&
        typeof parsed[1] === 'string'
      ) {
        return { value: parsed[0], id: parsed[1] };
      }
    } catch {
      // fall through: a signed but unreadable payload is still invalid
    }
    throw invalidCursor();
  }

  /**
   * One page from rows fetched with `limit + 1`: the extra row only tells that more follow, and
   * the last row kept gives the next cursor.
   */
  paginate<T extends { id: string }>(
    rows: T[],
    limit: number,
    scope: string,
    sortValue: (row: T) => string | number,
  ): { items: T[]; pagination: PaginationDto } {
    const hasMore = rows.length > limit;
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items,
      pagination: {
        limit,
        has_more: hasMore,
        next_cursor:
          hasMore && last ? this.encode({ value: sortValue(last), id: last.id }, scope) : null,
      },
    };
  }

  private sign(payload: string, scope: string): string {
    return createHmac('sha256', this.key).update(`${scope}\n${payload}`).digest('base64url');
  }

  private verify(payload: string, scope: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(payload, scope));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

function invalidCursor(): AppError {
  return new AppError(
    ErrorCode.INVALID_CURSOR,
    'The cursor is invalid or belongs to another listing',
  );
}

/** The cursor codec of this deployment, keyed from the JWT secret (every replica shares it). */
export function cursorCodecFor(config: RuncellConfig): CursorCodec {
  return new CursorCodec(
    createHash('sha256').update(`cursor:${config.auth.jwtSecret}`).digest('hex'),
  );
}
