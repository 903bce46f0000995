import { z } from "zod";
import { workspaceIdParams } from "../workspaces/workspaces.schema.js";

export const mediaParams = workspaceIdParams.extend({ mediaId: z.uuid() });
export const presetSchema = z.enum(["1:1", "4:5", "1.91:1", "9:16"]);
export const renditionParams = mediaParams.extend({ preset: presetSchema });

export const cropSchema = z.object({
  x: z.number().int().min(0),
  y: z.number().int().min(0),
  width: z.number().int().min(1),
  height: z.number().int().min(1),
});

export const renditionBody = z.object({ crop: cropSchema.nullish() }).meta({ id: "RenditionRequest" });

export const renditionSchema = z
  .object({
    preset: presetSchema,
    crop: cropSchema.nullable(),
    width: z.number().int(),
    height: z.number().int(),
    sizeBytes: z.number().int(),
    mimeType: z.string(),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: "MediaRendition" });

export const mediaSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(["image", "video", "gif"]),
    mimeType: z.string(),
    sizeBytes: z.number().int(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    durationMs: z.number().int().nullable(),
    sha256: z.string(),
    name: z.string(),
    altText: z.string(),
    fileUrl: z.string(),
    thumbnailUrl: z.string().nullable(),
    renditions: z.array(renditionSchema),
    createdAt: z.iso.datetime({ offset: true }),
    updatedAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: "Media" });

export const mediaListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(30),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  kind: z.enum(["image", "video", "gif"]).optional(),
  q: z.string().trim().min(1).max(200).optional(),
});

export const mediaListSchema = z
  .object({ items: z.array(mediaSchema), total: z.number().int() })
  .meta({ id: "MediaList" });

export const mediaPatch = z
  .object({
    altText: z.string().max(2000).optional(),
    name: z.string().trim().min(1).max(255).optional(),
  })
  .refine((v) => v.altText !== undefined || v.name !== undefined, { params: { i18n: "empty_patch" } });

export const importUrlBody = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .meta({
        description: "Address of an image or a video (http or https)",
        example: "https://exemple.fr/affiche.jpg",
      }),
    altText: z.string().max(2000).optional(),
  })
  .strict()
  .meta({ id: "MediaImportUrl" });

export const signedQuery = z.object({ exp: z.coerce.number().int().min(0), sig: z.string().min(1).max(200) });
export const signedParams = z.object({
  mediaId: z.uuid(),
  variant: z.enum(["original", "thumbnail", "1x1", "4x5", "1.91x1", "9x16"]),
});

export const mediaInUseDetails = z.object({ postIds: z.array(z.uuid()) });
