import { type PipeTransform } from '@nestjs/common';
import { describeZodError } from '@palisade/schema';
import type { z } from 'zod';
import { PalisadeException } from './palisade.exception.js';

/** Validates a request part with a zod schema; a failure is a 400 naming every bad field in one line. */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value ?? {});
    if (!result.success) throw PalisadeException.badRequest(describeZodError(result.error));
    return result.data;
  }
}

/** Shorthand: `@Query(zod(EventQuery)) query: EventQuery`. */
export function zod<S extends z.ZodType>(schema: S): ZodValidationPipe<S> {
  return new ZodValidationPipe(schema);
}
