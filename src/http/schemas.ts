import { z } from "zod";

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "Stable machine-readable code, e.g. validation_failed" }),
      message: z.string().meta({ description: "Human explanation in the caller's language (Accept-Language)" }),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: "Error" });

/** Documents the error responses every private route can give, beside its success responses. */
export function responses<T extends Record<number, z.ZodType>>(ok: T) {
  return {
    ...ok,
    400: errorSchema,
    401: errorSchema,
    403: errorSchema,
    404: errorSchema,
  };
}

export const noContent = z.null().meta({ description: "No content" });
