import { registerDecorator } from 'class-validator';

/** A string whose UTF-8 encoding is between `min` and `max` bytes (limits are about storage). */
export function ByteLength(min: number, max: number): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'byteLength',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message:
          min > 0
            ? `$property must be between ${min} and ${max} bytes`
            : `$property must be at most ${max} bytes`,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          Buffer.byteLength(value) >= min &&
          Buffer.byteLength(value) <= max,
      },
    });
}
