import { randomBytes } from 'node:crypto';

/**
 * Job ids are UUIDv7 (RFC 9562): time-ordered, so history's tie-break on id keeps submission
 * order even for jobs created in the same millisecond, and index inserts stay append-mostly.
 * Within one millisecond a 12-bit counter (the rand_a field, method 1 of RFC 9562 §6.2) keeps
 * ids from this process strictly increasing.
 */
export function createJobIdGenerator(now: () => number = Date.now): () => string {
  let lastMs = -1;
  let counter = 0;
  return () => {
    let ms = now();
    if (ms <= lastMs) {
      ms = lastMs;
      counter++;
      if (counter > 0xfff) {
        // Borrow from the next millisecond rather than repeat or go backwards.
        ms = ++lastMs;
        counter = 0;
      }
    } else {
      counter = randomBytes(2).readUInt16BE() & 0x7ff; // leave headroom for increments
    }
    lastMs = ms;
    const bytes = randomBytes(16);
    bytes.writeUIntBE(ms, 0, 6);
    bytes[6] = 0x70 | (counter >> 8);
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | (bytes[8]! & 0x3f);
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}
