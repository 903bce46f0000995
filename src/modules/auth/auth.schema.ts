import { z } from "zod";

export const localeSchema = z.enum(["fr", "en"]).meta({ description: "Interface language" });
export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((e) => e.toLowerCase());
export const passwordSchema = z.string().min(10).max(200);
export const nameSchema = z.string().trim().min(1).max(120);

export const userSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    locale: localeSchema,
    isOwner: z.boolean(),
    canCreateWorkspaces: z.boolean(),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: "User" });

export const sessionSchema = z
  .object({ user: userSchema, csrfToken: z.string() })
  .meta({ id: "Session", description: "The signed-in user and the CSRF token to send as X-CSRF-Token." });

export const setupStatusSchema = z.object({ needsSetup: z.boolean() });

export const setupBody = z.object({
  email: emailSchema,
  name: nameSchema,
  password: passwordSchema,
  locale: localeSchema.default("fr"),
});

export const loginBody = z.object({ email: emailSchema, password: z.string().min(1).max(200) });

export const changePasswordBody = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: passwordSchema,
});

export const updateMeBody = z
  .object({ name: nameSchema, locale: localeSchema })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { params: { i18n: "empty_patch" } });

export const tokenSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string(),
    createdAt: z.iso.datetime({ offset: true }),
    lastUsedAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .meta({ id: "ApiToken" });

export const createTokenBody = z.object({ name: z.string().trim().min(1).max(100) });
export const createdTokenSchema = tokenSchema.extend({
  token: z.string().meta({ description: "Shown once; store it now." }),
});
