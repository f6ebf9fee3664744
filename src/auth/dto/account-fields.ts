import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';
import { isValidEmail, normalizeEmail } from '../users/email';

/** Trims and lower-cases a string field before validation. */
export const NormalizedEmail = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? normalizeEmail(value) : value,
  );

/** Trims a string field before validation. */
export const Trimmed = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** An email address per RFC 5322 basics (see `isValidEmail`). */
export const IsAccountEmail = () =>
  ValidateBy({
    name: 'isAccountEmail',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isValidEmail(value),
      defaultMessage: () => 'email must be a valid email address',
    },
  });
