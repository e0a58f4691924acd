import assert from 'node:assert/strict';
import { test } from 'node:test';
import { probeImage, sniffImageType } from '../../api/upload/image-probe.js';
import { makeJpegHeader, makePng, makeWebpHeader } from '../support/images.js';

test('types come from magic bytes only', () => {
  assert.equal(sniffImageType(makePng(8, 8)), 'image/png');
  assert.equal(sniffImageType(makeJpegHeader(8, 8)), 'image/jpeg');
  assert.equal(sniffImageType(makeWebpHeader(8, 8)), 'image/webp');
  assert.equal(sniffImageType(Buffer.from('GIF89a')), null);
  assert.equal(sniffImageType(Buffer.from('RIFF\0\0\0\0WAVE')), null);
  assert.equal(sniffImageType(Buffer.alloc(0)), null);
});

test('sizes are read from headers; truncated headers are refused, not guessed', () => {
  assert.deepEqual(probeImage(makePng(320, 200)), { ok: true, contentType: 'image/png', width: 320, height: 200 });
  assert.deepEqual(probeImage(makeJpegHeader(640, 480)), { ok: true, contentType: 'image/jpeg', width: 640, height: 480 });
  assert.deepEqual(probeImage(makeWebpHeader(300, 500)), { ok: true, contentType: 'image/webp', width: 300, height: 500 });
  assert.deepEqual(probeImage(makePng(320, 200).subarray(0, 20)), { ok: false, problem: 'header', reason: 'could not be read as PNG' });
  assert.deepEqual(probeImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])), { ok: false, problem: 'header', reason: 'could not be read as JPEG' });
});
