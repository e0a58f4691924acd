import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorBody } from '../api/error-codes.js';
import { acceptRequestId, REQUEST_ID_HEADER } from '../api/request-id.js';

/**
 * Requests Node's HTTP parser refuses never reach Koa, and Node answers them with an empty body.
 * These give them the API's `{"error": …}` JSON instead: oversized headers (431), control
 * characters in a header, a bad Content-Length or Transfer-Encoding (400), and, in place of Node's
 * own check, an HTTP/1.1 request without Host (400).
 */
export function answerClientErrors(server: http.Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // A peer that went away, or a request that timed out mid-body, has nobody left to read an answer.
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const message = status === 431 ? 'The request headers are too large (16 KiB at most).' : status === 408 ? 'The request took too long to arrive.' : `Malformed HTTP request: ${parserReason(err)}`;
    socket.end(jsonResponse(status, message));
  });
}

/** Wraps a request handler: an HTTP/1.1 request without Host is a JSON 400 (the server runs with requireHostHeader off). */
export function requireHost(handler: http.RequestListener): http.RequestListener {
  return (req, res) => {
    if (req.httpVersion === '1.1' && !req.headers.host) {
      const requestId = acceptRequestId(typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : undefined);
      const body = JSON.stringify({ error: 'Malformed HTTP request: HTTP/1.1 needs a Host header.', code: 'invalid_request', request_id: requestId } satisfies ErrorBody);
      res.writeHead(400, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), [REQUEST_ID_HEADER]: requestId, Connection: 'close' });
      res.end(body);
      return;
    }
    handler(req, res);
  };
}

function parserReason(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'HPE_INVALID_HEADER_TOKEN':
      return 'a header contains a character that is not allowed.';
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return 'bad Content-Length.';
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return 'bad Transfer-Encoding.';
    default:
      return 'the request could not be parsed.';
  }
}

/** The parser gave up on the request, so its own X-Request-Id cannot be trusted to be read: a fresh one. */
function jsonResponse(status: number, error: string): string {
  const requestId = acceptRequestId(undefined);
  const body = JSON.stringify({ error, code: 'invalid_request', request_id: requestId } satisfies ErrorBody);
  const reason = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${REQUEST_ID_HEADER}: ${requestId}\r\nConnection: close\r\n\r\n${body}`;
}
