/** A request body read up to `maxBytes`: its text, or `tooLarge` as soon as it passes the limit (never buffered past it). */
export async function readBoundedText(
  request: Request,
  maxBytes: number,
): Promise<{ tooLarge: false; text: string } | { tooLarge: true }> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) return { tooLarge: true };
  if (request.body === null) return { tooLarge: false, text: '' };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return { tooLarge: true };
    }
    chunks.push(value);
  }
  return { tooLarge: false, text: Buffer.concat(chunks).toString('utf8') };
}
