/**
 * RFC 7240's `Prefer: wait=N` on `GET /status/{id}`: a client that would otherwise poll holds one
 * request open until its job ends (or N seconds pass) and is answered the moment it does.
 */

/** The longest a status request waits: below every proxy's and load balancer's idle timeout we ship. */
export const MAX_WAIT_SECONDS = 60;

/**
 * The seconds asked for, capped; undefined when the header asks for no wait. A preference is a
 * hint (RFC 7240 §2): one that does not parse is ignored, as the RFC says, never an error.
 */
export function preferredWaitSeconds(header: string): number | undefined {
  // Node joins repeated Prefer headers with commas, the list form RFC 7240 allows anyway.
  for (const preference of header.split(',')) {
    // `wait=10`, `wait="10"` and `wait=10; param` all name the same preference.
    const match = /^\s*wait\s*=\s*"?(\d+)"?\s*(?:;.*)?$/i.exec(preference);
    if (match) {
      const seconds = Number(match[1]);
      return seconds > 0 ? Math.min(seconds, MAX_WAIT_SECONDS) : undefined;
    }
  }
  return undefined;
}
