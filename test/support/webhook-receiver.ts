import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** What the receiver does with the n-th request (0-based) to its hook path. */
export type ReceiverAnswer = { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string } | 'hang';

/** A webhook receiver on loopback that answers from a script and records every request. */
export async function startWebhookReceiver(script: (n: number) => ReceiverAnswer): Promise<{ readonly port: number; readonly received: ReceivedWebhook[]; close(): Promise<void> }> {
  const received: ReceivedWebhook[] = [];
  let hooks = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      received.push({ path: req.url ?? '', headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = req.url === '/hook' ? script(hooks++) : { status: 200 };
      if (answer === 'hang') return; // never answers: the sender's timeout must end the attempt
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
