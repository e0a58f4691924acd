import net from 'node:net';

export interface RawResponse {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

/**
 * Sends bytes as they are, past any client library's own checks, and reads the answer until the
 * server closes: the requests a hostile or broken client sends.
 */
export async function rawRequest(port: number, request: Buffer | string): Promise<RawResponse> {
  const socket = net.connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('close', () => resolve());
    // No half-close: the server answers, then closes (each request says Connection: close).
    socket.write(request);
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
  });
  const text = Buffer.concat(chunks).toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  const head = split < 0 ? text : text.slice(0, split);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
  return { status, headers: head, body: split < 0 ? '' : text.slice(split + 4) };
}

/** A multipart POST to /api/v1/generate whose body is written by hand (boundary X). */
export function multipartRequest(apiKey: string, body: Buffer): Buffer {
  const head = [
    'POST /api/v1/generate HTTP/1.1',
    'Host: 127.0.0.1',
    `X-API-Key: ${apiKey}`,
    'Content-Type: multipart/form-data; boundary=X',
    `Content-Length: ${body.length}`,
    'Connection: close',
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** One part of a hand-written multipart body. */
export function part(headers: string, content: Buffer | string): Buffer {
  return Buffer.concat([Buffer.from(`--X\r\n${headers}\r\n\r\n`, 'latin1'), Buffer.isBuffer(content) ? content : Buffer.from(content, 'latin1'), Buffer.from('\r\n')]);
}

export const multipartEnd = Buffer.from('--X--\r\n');
