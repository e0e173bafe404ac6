import { type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { describeZodError } from '@palisade/schema';
import type { z } from 'zod';
import { PalisadeException } from './palisade.exception.js';

/** Validates a request part with a zod schema; a failure is a 400 naming every bad field in one line. */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown, metadata?: ArgumentMetadata): z.infer<S> {
    if (metadata?.type === 'query' && typeof value === 'object' && value !== null) {
      // `?limit=1&limit=2` arrives as an array: say so rather than "expected number, received NaN".
      const repeated = Object.keys(value).filter((key) => Array.isArray((value as Record<string, unknown>)[key]));
      if (repeated.length > 0) throw PalisadeException.badRequest(`${repeated.map((key) => `\`${key}\``).join(', ')}: given more than once`);
    }
    const result = this.schema.safeParse(value ?? {});
    if (!result.success) throw PalisadeException.badRequest(describeZodError(result.error));
    return result.data;
  }
}

/** Shorthand: `@Query(zod(EventQuery)) query: EventQuery`. */
export function zod<S extends z.ZodType>(schema: S): ZodValidationPipe<S> {
  return new ZodValidationPipe(schema);
}
