import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPublicAddress } from '../../infra/net/address-policy.js';
import { parseGenerateRequest } from '../../api/schemas/generate.js';

test('private, loopback, link-local and metadata addresses are not public', () => {
  for (const address of ['127.0.0.1', '10.0.0.8', '172.16.3.4', '192.168.1.1', '169.254.169.254', '100.100.100.200', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00:ec2::254', '::ffff:127.0.0.1', '::ffff:8.8.8.8', 'localhost']) {
    assert.equal(isPublicAddress(address), false, address);
  }
  for (const address of ['8.8.8.8', '172.32.0.1', '93.184.215.14', '2606:4700:4700::1111']) assert.equal(isPublicAddress(address), true, address);
});

const submit = (webhook_url: string, policy = { httpHosts: [] as string[], allowPrivateTargets: false }) => parseGenerateRequest({ prompt: 'p', webhook_url }, { webhookPolicy: policy });

test('webhook_url: https anywhere public, plain http only to an allowed host, never a literal private address unless allowed', () => {
  assert.equal(submit('https://hooks.example.com/vivid').webhookUrl, 'https://hooks.example.com/vivid');
  assert.equal(parseGenerateRequest({ prompt: 'p' }).webhookUrl, null);
  assert.throws(() => submit('http://hooks.example.com/vivid'), /Invalid parameter 'webhook_url': must be an https URL/);
  assert.throws(() => submit('ftp://hooks.example.com/'), /Invalid parameter 'webhook_url'/);
  assert.throws(() => submit('not a url'), /Invalid parameter 'webhook_url'/);
  assert.throws(() => submit('https://user:pw@hooks.example.com/'), /Invalid parameter 'webhook_url': must not carry a user name or password/);
  assert.throws(() => submit('https://169.254.169.254/latest'), /Invalid parameter 'webhook_url': must not point at a private/);
  assert.throws(() => submit('https://[::1]:8443/'), /Invalid parameter 'webhook_url': must not point at a private/);
  const lab = { httpHosts: ['127.0.0.1'], allowPrivateTargets: true };
  assert.equal(submit('http://127.0.0.1:9/hook', lab).webhookUrl, 'http://127.0.0.1:9/hook');
  assert.throws(() => submit('http://localhost:9/hook', lab), /'localhost' is not one/);
});
