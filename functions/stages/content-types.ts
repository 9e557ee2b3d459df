/**
 * The content types the pipeline handles, for the `contentType` attribute. Text may be published with no
 * content type at all; images are routed to the image path by the `image` prefix (see the definition's filters).
 */
export const TEXT_CONTENT_TYPES = ['text', 'text/plain', 'application/json'] as const;

/** The prefix that sends a message down the image path. */
export const IMAGE_CONTENT_TYPE_PREFIX = 'image';

/** Why the text path cannot take this content type, or `undefined` if it can. */
export function textContentTypeProblem(contentType: string | undefined): string | undefined {
  if (contentType === undefined || contentType === '') return undefined;
  const base = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if ((TEXT_CONTENT_TYPES as readonly string[]).includes(base)) return undefined;
  // Text read from an image keeps the image's content type on its way through the text path.
  if (base.startsWith(IMAGE_CONTENT_TYPE_PREFIX)) return undefined;
  return `contentType "${contentType}" is not supported; expected none or one of ${TEXT_CONTENT_TYPES.join(', ')} for text, or image/… for images`;
}
