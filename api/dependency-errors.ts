/**
 * Whether an error means a dependency (Postgres, Temporal) is out of reach for the moment — a
 * restart, a failover, a dropped connection — rather than that this request is wrong or our code
 * is broken. Those answer 503 with Retry-After, so clients and load balancers retry.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

// Postgres SQLSTATEs for a server going away or not taking connections yet.
const POSTGRES_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);

// node-postgres reports a socket closed under it with these messages and no code.
const PG_CONNECTION_LOST = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/;

// gRPC status codes the Temporal client surfaces while its server is down or restarting.
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

export function isDependencyUnavailable(err: unknown): boolean {
  for (let current = err, depth = 0; current && depth < 8; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || POSTGRES_UNAVAILABLE.has(e.code))) return true;
    if (e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED) return true;
    if (typeof e.message === 'string' && PG_CONNECTION_LOST.test(e.message)) return true;
    // A connection attempt to several addresses fails as one AggregateError.
    if (Array.isArray(e.errors) && e.errors.some((inner) => isDependencyUnavailable(inner))) return true;
    current = e.cause;
  }
  return false;
}
