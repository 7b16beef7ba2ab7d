/**
 * `Content-Disposition: attachment` for a file name as the user gave it: an ASCII fallback (anything else, and the
 * quote and backslash, become _) and the exact name in RFC 8187 form. RFC 8187 allows fewer characters unencoded
 * than encodeURIComponent leaves alone: ' ( ) * are escaped too.
 */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const utf8 = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}

/** `Repr-Digest` (RFC 9530) for a file whose SHA-256 is stored as hex: the client checks the bytes it received. */
export function reprDigest(sha256Hex: string): string {
  return `sha-256=:${Buffer.from(sha256Hex, 'hex').toString('base64')}:`;
}
