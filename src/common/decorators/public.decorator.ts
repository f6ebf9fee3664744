import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'runcell:is-public';

/** Marks a route (or controller) as reachable without a user token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
