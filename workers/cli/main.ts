import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, type Config } from '../../infra/config.js';
import { AccountNotFoundError, DuplicateEmailError, InvalidAccountError } from '../../infra/db/accounts.js';
import { openDatabase } from '../../infra/db/database.js';
import { EmbeddedPostgresLockedError } from '../../infra/db/embedded-postgres.js';
import { accounts } from './accounts.js';
import { CommandError, UsageError, type Command, type CommandGroup, type OptionValues } from './command.js';
import { credits } from './credits.js';
import { keys } from './keys.js';
import { webhooks } from './webhooks.js';

const groups: readonly CommandGroup[] = [accounts, keys, credits, webhooks];

/** Exit codes: 0 done, 1 failed, 2 wrong invocation. */
export async function main(argv: readonly string[]): Promise<number> {
  // Known before parsing, so that even a parse error answers in JSON.
  const json = argv.includes('--json');
  const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  const help = (text: string) => out(json ? JSON.stringify({ help: text }) : text);
  const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h' || arg === 'help';

  // Where a usage error should send the reader: as deep as the arguments got.
  let helpCommand = 'vivid';
  try {
    const [groupName, commandName, ...rest] = argv.filter((a) => a !== '--json');
    if (isHelp(groupName)) return (help(overview()), 0);
    if (groupName === undefined) throw new UsageError('Missing command.');
    const group = groups.find((g) => g.name === groupName);
    if (!group) throw new UsageError(`Unknown command "${groupName}".`);
    helpCommand = `vivid ${group.name}`;
    if (isHelp(commandName)) return (help(groupHelp(group)), 0);
    if (commandName === undefined) throw new UsageError(`Missing ${group.name} command.`);
    const command = group.commands.find((c) => c.name === commandName);
    if (!command) throw new UsageError(`Unknown command "${group.name} ${commandName}".`);
    helpCommand = `vivid ${group.name} ${command.name}`;

    const values = parseOptions(command, rest);
    if (values.help) return (help(commandHelp(group, command)), 0);
    const run = command.prepare(values);

    const config = loadConfig();
    const { db, close } = await open(config);
    try {
      await run({ db, publicUrl: config.http.publicUrl, report: (human, obj) => out(json ? JSON.stringify(obj) : human) });
    } finally {
      await close();
    }
    return 0;
  } catch (err) {
    const usage = err instanceof UsageError;
    const message = err instanceof Error ? err.message : String(err);
    const hint = usage ? `\nRun "${helpCommand} --help" for usage.` : '';
    process.stderr.write(`vivid: ${message}${hint}\n`);
    if (!usage && !isExpected(err) && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    if (json) out(JSON.stringify({ error: message }));
    return usage ? 2 : 1;
  }
}

/** Not reaching the database is the person's to fix (a stopped server, a wrong URL): say so without a stack. */
async function open(config: Config): ReturnType<typeof openDatabase> {
  try {
    return await openDatabase(config);
  } catch (err) {
    if (err instanceof EmbeddedPostgresLockedError) throw err;
    const where = config.databaseUrl ? `Postgres at ${safeHost(config.databaseUrl)}` : `embedded database in ${config.dataDir}`;
    throw new CommandError(`Could not open the ${where}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'DATABASE_URL';
  }
}

function parseOptions(command: Command, args: readonly string[]): OptionValues {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    return values;
  } catch (err) {
    // parseArgs explains itself well in its first sentence; the rest is advice about `--`.
    const message = err instanceof Error ? (err.message.split(/(?<=\.) /)[0] ?? err.message) : String(err);
    throw new UsageError(message);
  }
}

function isExpected(err: unknown): boolean {
  return [CommandError, ConfigError, AccountNotFoundError, DuplicateEmailError, InvalidAccountError, EmbeddedPostgresLockedError, RangeError].some(
    (kind) => err instanceof kind,
  );
}

const COMMON_OPTIONS = `Options:
  --json      Print exactly one JSON object on stdout (errors too: {"error": "..."})
  -h, --help  Show help`;

function overview(): string {
  const lines = groups.flatMap((g) => g.commands.map((c) => [`${g.name} ${c.name}`, c.summary] as const));
  const width = Math.max(...lines.map(([n]) => n.length));
  return `vivid: manage Vivid Flow accounts, API keys and credits

Usage: vivid <group> <command> [options]

Commands:
${lines.map(([n, s]) => `  ${n.padEnd(width)}  ${s}`).join('\n')}

${COMMON_OPTIONS}

Uses the Postgres at DATABASE_URL if set, else the embedded database in VIVID_DATA_DIR
(default .vivid), through the running stack when it has it open.
Run "vivid <group> --help" for a group's commands and flags.`;
}

function groupHelp(group: CommandGroup): string {
  return `vivid ${group.name}: ${group.summary}

${group.commands.map((c) => `  vivid ${group.name} ${c.name} ${c.usage}`.trimEnd() + `\n      ${c.summary}`).join('\n')}

${COMMON_OPTIONS}`;
}

function commandHelp(group: CommandGroup, command: Command): string {
  return `Usage: vivid ${group.name} ${command.name} ${command.usage} [--json]\n\n${command.summary}.`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
