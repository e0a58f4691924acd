import { makeJpegHeader, makeLargePng, makePng, makeWebpHeader } from '../support/images.js';
import type { Random } from '../support/random.js';

/** One generated request, as raw as a hostile client could send it. */
export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
  /** What it is, for the failure message. */
  readonly label: string;
}

const TEXT_FIELDS = ['prompt', 'negative_prompt', 'camera_motion', 'subject_animation', 'environmental_animation'];
const NUMBER_FIELDS = ['cfg', 'width', 'height', 'length', 'steps', 'seed', 'duration_seconds'];
const CHOICE_FIELDS = ['model', 'resolution', 'person_generation', 'generate_audio', 'enhance_prompt'];
const KNOWN_FIELDS = [...TEXT_FIELDS, ...NUMBER_FIELDS, ...CHOICE_FIELDS];

const HOSTILE_STRINGS = [
  '',
  ' ',
  'a',
  "' OR '1'='1",
  "'; drop table jobs; --",
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%00',
  '%2e%2e%2f',
  'a\u0000b',
  '\u0000',
  'line\r\nX-Injected: 1',
  '\u0007\u001b[31mred',
  '\u202eevil\u202c',
  'e\u0301\u0301\u0301',
  '🎬🎥📽️',
  '\ud83d',
  '\uffff\ufffe',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '{"$gt": ""}',
  'null',
  'undefined',
  'true',
];

const NUMBERISH = ['0', '-1', '1', '16', '64', '81', '720', '1280', '4', '8', '7.5', '1.5', '1e3', '1e309', '-1e309', 'NaN', 'Infinity', '-Infinity', '0x10', '0b11', '  42  ', '4294967296', '9'.repeat(400), '1_000', '+5', '.5', '5.', '1,5', '１２'];

const CHOICES = ['wan2.1', 'veo3.1', 'WAN2.1', 'veo', 'sora', '720p', '1080p', '4k', 'allow_adult', 'allow_all', 'deny', 'true', 'false', '1', '0', 'yes', 'no', 'maybe'];

function fieldValue(rnd: Random, name: string): string {
  const roll = rnd.next();
  if (roll < 0.15) return rnd.pick(HOSTILE_STRINGS);
  if (roll < 0.2) return 'x'.repeat(rnd.pick([1000, 70_000, 200_000]));
  if (TEXT_FIELDS.includes(name)) return rnd.chance(0.7) ? `a calm sea ${rnd.int(0, 999)}` : rnd.pick(HOSTILE_STRINGS);
  if (NUMBER_FIELDS.includes(name)) return rnd.pick(NUMBERISH);
  return rnd.pick(CHOICES);
}

/** A PNG whose header declares a huge canvas over a tiny body: a decompression bomb's shape. */
function bombPng(): Buffer {
  const png = makePng(64, 64);
  const bomb = Buffer.from(png);
  bomb.writeUInt32BE(60_000, 16);
  bomb.writeUInt32BE(60_000, 20);
  return bomb;
}

function image(rnd: Random): { bytes: Buffer; type: string; label: string } {
  const kinds: Array<() => { bytes: Buffer; type: string; label: string }> = [
    () => ({ bytes: makePng(rnd.int(64, 160), rnd.int(64, 160), rnd.int(0, 9)), type: 'image/png', label: 'png' }),
    () => ({ bytes: makePng(96, 64), type: rnd.pick(['image/jpeg', 'text/plain', 'application/x-sh', '']), label: 'png with a lying type' }),
    () => ({ bytes: Buffer.alloc(0), type: 'image/png', label: 'empty image' }),
    () => ({ bytes: rnd.bytes(rnd.int(1, 4096)), type: 'image/png', label: 'random bytes' }),
    () => ({ bytes: makePng(96, 64).subarray(0, rnd.int(8, 60)), type: 'image/png', label: 'truncated png' }),
    () => ({ bytes: Buffer.concat([makePng(96, 64).subarray(0, 33), rnd.bytes(500)]), type: 'image/png', label: 'png header with garbage' }),
    () => ({ bytes: bombPng(), type: 'image/png', label: 'decompression bomb' }),
    () => ({ bytes: makePng(8, 8), type: 'image/png', label: 'too small' }),
    () => ({ bytes: makeJpegHeader(rnd.int(1, 9000), rnd.int(1, 9000)), type: 'image/jpeg', label: 'jpeg header only' }),
    () => ({ bytes: makeWebpHeader(rnd.int(1, 9000), rnd.int(1, 9000)), type: 'image/webp', label: 'webp header only' }),
    () => ({ bytes: Buffer.from('GIF89a\x01\x00\x01\x00'), type: 'image/gif', label: 'gif' }),
    () => ({ bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), type: 'image/svg+xml', label: 'svg' }),
    () => ({ bytes: makeLargePng(26 * 1024 * 1024), type: 'image/png', label: 'over the size limit' }),
  ];
  // The over-size upload is costly on two cores: rare.
  const pick = rnd.chance(0.01) ? kinds.length - 1 : rnd.int(0, kinds.length - 2);
  return kinds[pick]!();
}

function multipart(parts: Array<{ name: string; filename?: string; type?: string; data: Buffer }>, boundary: string): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    head += '\r\n';
    if (part.type) head += `Content-Type: ${part.type}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`, 'latin1'), part.data, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

function generateRequest(rnd: Random, headers: Record<string, string>): FuzzRequest {
  const boundary = `fuzz${rnd.int(0, 1e9)}`;
  const parts: Array<{ name: string; filename?: string; type?: string; data: Buffer }> = [];
  const labels: string[] = [];
  const fieldCount = rnd.int(0, 8);
  for (let i = 0; i < fieldCount; i++) {
    const name = rnd.chance(0.85) ? rnd.pick(KNOWN_FIELDS) : rnd.pick(['unknown', 'Prompt', 'image[]', '', 'a'.repeat(300), 'x\u0001y', '__proto__', 'constructor']);
    parts.push({ name, data: Buffer.from(fieldValue(rnd, name)) });
  }
  if (rnd.chance(0.85)) parts.unshift({ name: 'prompt', data: Buffer.from(fieldValue(rnd, 'prompt')) });
  // Small accepted renders keep the test engines quick; most requests still fail validation.
  if (rnd.chance(0.5)) parts.push({ name: 'width', data: Buffer.from('64') }, { name: 'height', data: Buffer.from('64') }, { name: 'length', data: Buffer.from('5') }, { name: 'steps', data: Buffer.from('1') });
  if (rnd.chance(0.9)) {
    const img = image(rnd);
    labels.push(img.label);
    const filename = rnd.chance(0.9) ? 'source.png' : rnd.pick(['', '../../x.png', 'a\u0001.png', 'x'.repeat(300), '%00.png']);
    parts.splice(rnd.int(0, parts.length), 0, { name: 'image', filename, type: img.type, data: img.bytes });
    if (rnd.chance(0.05)) parts.push({ name: 'image', filename: 'second.png', type: 'image/png', data: makePng(64, 64) });
  }
  let body = multipart(rnd.chance(0.1) ? [...parts].reverse() : parts, boundary);
  let contentType = `multipart/form-data; boundary=${boundary}`;
  const mutation = rnd.next();
  if (mutation < 0.06) {
    body = body.subarray(0, rnd.int(0, body.length - 1));
    labels.push('truncated body');
  } else if (mutation < 0.09) {
    contentType = 'multipart/form-data';
    labels.push('no boundary');
  } else if (mutation < 0.12) {
    contentType = `multipart/form-data; boundary=other${boundary}`;
    labels.push('wrong boundary');
  } else if (mutation < 0.15) {
    contentType = rnd.pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded', '']);
    labels.push('lying content type');
  } else if (mutation < 0.18) {
    body = Buffer.from(body.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    labels.push('bare newlines');
  } else if (mutation < 0.2) {
    body = Buffer.from(body.toString('latin1').replace('Content-Disposition: form-data;', 'Content-Disposition form-data;'), 'latin1');
    labels.push('header without colon');
  }
  const h = { ...headers };
  if (contentType) h['content-type'] = contentType;
  return { method: 'POST', path: '/api/v1/generate', headers: h, body, label: `generate (${labels.join(', ') || 'fields'})` };
}

function cursor(rnd: Random, knownIds: readonly string[]): string {
  const raw = rnd.pick([
    () => `${new Date(rnd.int(-8.64e15, 8.64e15)).toISOString()}|${rnd.pick(knownIds)}`,
    () => `2030-01-01T00:00:00.000Z|${'0'.repeat(36)}`,
    () => `-271821-04-20T00:00:00.000Z|${rnd.pick(knownIds)}`,
    () => rnd.pick(HOSTILE_STRINGS),
    () => `${new Date().toISOString()}|${rnd.pick(HOSTILE_STRINGS)}`,
  ])();
  return rnd.chance(0.8) ? Buffer.from(raw).toString('base64url') : percentEncode(raw);
}

/** Every byte as %XX: unlike encodeURIComponent, it takes lone surrogates too. */
function percentEncode(text: string): string {
  return [...Buffer.from(text)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

/** Any request to any route, with the given account key most of the time. */
export function fuzzRequest(rnd: Random, apiKey: string, knownIds: readonly string[]): FuzzRequest {
  const keyRoll = rnd.next();
  const headers: Record<string, string> = {};
  if (keyRoll < 0.85) headers['x-api-key'] = apiKey;
  else if (keyRoll < 0.95) headers['x-api-key'] = rnd.pick(['', 'vf_wrong', "' OR 1=1 --", 'x'.repeat(4000), apiKey.slice(0, -1), `${apiKey} `]);
  if (rnd.chance(0.05)) headers['x-forwarded-for'] = rnd.pick(['1.2.3.4', 'not an ip', '::1, 10.0.0.1']);
  if (rnd.chance(0.03)) headers['x-request-id'] = rnd.pick(['abc', 'x'.repeat(500), '../../etc']);

  const id = () => (rnd.chance(0.4) && knownIds.length > 0 ? rnd.pick(knownIds) : rnd.pick(['abc', '0', '..', '%2e%2e', "1'or'1", '00000000-0000-0000-0000-000000000000', 'x'.repeat(300), '%00', '%C0%AE', crypto.randomUUID()]));
  const route = rnd.next();
  if (route < 0.45) {
    // /estimate takes the same hostile bodies, and must store nothing of them.
    const request = generateRequest(rnd, headers);
    return rnd.chance(0.25) ? { ...request, path: '/api/v1/estimate', label: request.label.replace(/^generate/, 'estimate') } : request;
  }
  if (route < 0.6) return { method: 'GET', path: `/api/v1/status/${id()}`, headers, label: 'status' };
  if (route < 0.68) return { method: 'POST', path: `/api/v1/cancel/${id()}`, headers, label: 'cancel' };
  if (route < 0.82) {
    const params = new URLSearchParams();
    if (rnd.chance(0.6)) params.set('limit', rnd.pick(NUMBERISH));
    if (rnd.chance(0.5)) params.set('cursor', cursor(rnd, knownIds.length > 0 ? knownIds : ['x']));
    if (rnd.chance(0.2)) params.append('limit', '5');
    if (rnd.chance(0.1)) params.set(rnd.pick(['sort', 'order', '__proto__']), rnd.pick(HOSTILE_STRINGS));
    return { method: 'GET', path: `/api/v1/history?${params}`, headers, label: 'history' };
  }
  if (route < 0.87) return { method: 'GET', path: '/api/v1/usage', headers, label: 'usage' };
  if (route < 0.94) {
    const key = rnd.pick(['jobs/x/video.mp4', '../url-signing.key', '%2e%2e/url-signing.key', 'jobs//video.mp4', '.', 'jobs/x/video.mp4.meta.json', '%00', 'a'.repeat(500)]);
    return { method: rnd.pick(['GET', 'HEAD']), path: `/media/${key}?expires=${rnd.pick(['1', '99999999999', 'x', ''])}&signature=${rnd.pick(['0'.repeat(64), 'zz', ''])}`, headers: { range: rnd.pick(['bytes=0-1', 'bytes=-0', 'bytes=abc', '']) }, label: 'media' };
  }
  const method = rnd.pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'GET', 'BREW']);
  return { method, path: rnd.pick(['/api/v1/generate', '/api/v1/status', '/api/v1/', '/healthz', '/api/v2/generate', `/api/v1/${'..%2f'.repeat(5)}etc/passwd`]), headers, label: `method ${method}` };
}
