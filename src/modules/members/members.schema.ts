import { z } from "zod";
import { emailSchema, localeSchema, nameSchema, passwordSchema } from "../auth/auth.schema.js";
import { roleSchema, workspaceIdParams } from "../workspaces/workspaces.schema.js";

export const memberSchema = z
  .object({
    userId: z.uuid(),
    email: z.string(),
    name: z.string(),
    role: roleSchema,
    joinedAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: "Member" });

export const memberParams = workspaceIdParams.extend({ userId: z.uuid() });
export const invitationParams = workspaceIdParams.extend({ invitationId: z.uuid() });
export const tokenParams = z.object({ token: z.string().min(20).max(200) });

export const changeRoleBody = z.object({ role: roleSchema }).strict();
export const inviteBody = z.object({ email: emailSchema, role: roleSchema }).strict();

export const invitationSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    role: roleSchema,
    invitedBy: z.string().nullable(),
    createdAt: z.iso.datetime({ offset: true }),
    expiresAt: z.iso.datetime({ offset: true }),
    expired: z.boolean(),
  })
  .meta({ id: "Invitation" });

export const invitationCreatedSchema = z.object({
  invitation: invitationSchema,
  acceptUrl: z.string().meta({ description: "The link to accept; also e-mailed when SMTP is configured" }),
  emailed: z.boolean(),
});

export const invitationPreviewSchema = z
  .object({
    workspaceName: z.string(),
    email: z.string(),
    role: roleSchema,
    invitedBy: z.string().nullable(),
    expiresAt: z.iso.datetime({ offset: true }),
    accountExists: z
      .boolean()
      .meta({ description: "Sign in first when true; otherwise create the account while accepting" }),
  })
  .meta({ id: "InvitationPreview" });

export const acceptBody = z
  .object({ name: nameSchema, password: passwordSchema, locale: localeSchema.default("fr") })
  .strict()
  .partial({ name: true, password: true })
  .refine((v) => (v.name === undefined) === (v.password === undefined), { params: { i18n: "name_and_password" } });
