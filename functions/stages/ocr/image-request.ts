import { z } from 'zod';

/**
 * Where an image is: exactly one of `uri` (`gs://bucket/object`, or `file:///path` under the directory the stage
 * allows) or `data` (the file itself, base64, optionally as a `data:image/...;base64,` URL).
 */
export const imageReferenceSchema = z
  .object({
    uri: z
      .string()
      .max(2048, 'expected image.uri of at most 2048 characters')
      .regex(/^(gs|file):\/\//, 'expected image.uri to start with gs:// or file://')
      .optional(),
    data: z.string().min(1, 'expected image.data to hold the base64 image').optional(),
  })
  .strict()
  .refine((image) => (image.uri === undefined) !== (image.data === undefined), 'expected exactly one of image.uri and image.data');

/** An image reference. */
export type ImageReference = z.infer<typeof imageReferenceSchema>;

/**
 * What publishers send for images, with the attribute `contentType` = `image` (or `image/png`, `image/jpeg`, ...):
 * JSON `{"image": {"uri": "gs://..."} | {"data": "<base64>"}, "id"?: "...", "metadata"?: {...}}`. Strict, like text
 * requests: an unknown field is reported by name.
 */
export const imageRequestSchema = z
  .object({
    image: imageReferenceSchema,
    id: z.string().max(256, 'expected id of at most 256 characters').optional(),
    metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  })
  .strict();

/** An image inference request. */
export type ImageRequest = z.infer<typeof imageRequestSchema>;

/** How `imageRequestSchema` is described in error messages. */
export const IMAGE_REQUEST_EXPECTS = 'JSON {"image": {"uri": "gs://…" | "file://…"} or {"data": base64}, "id"?: string, "metadata"?: object}';
