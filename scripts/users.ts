/**
 * `npm run users -- grant-security-admin <username> | grant-auditor <username> [--org <node>] [--name <姓名>]`
 *
 * 安装命令 the only way to grant security_admin or auditor (separation of powers: no online account can).
 * Run by whoever operates the server, against its database. A new account needs its first password in
 * the environment variable ZX_USER_PASSWORD (at least 10 characters; never on the command line).
 */
import { loadConfig } from '../server/config.js';
import { createPool } from '../server/db.js';
import { grantSeparatedRole } from '../server/services/users.js';

const COMMANDS: Record<string, string> = {
  'grant-security-admin': 'security_admin',
  'grant-auditor': 'auditor',
};
const [command, username, ...rest] = process.argv.slice(2);
const flag = (name: string) => {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? rest[i + 1] : undefined;
};

if (!command || !COMMANDS[command] || !username) {
  console.error(
    'usage: npm run users -- grant-security-admin <username> | grant-auditor <username> [--org <node>] [--name <name>]',
  );
  console.error('       a new account takes its password from ZX_USER_PASSWORD');
  process.exit(2);
}

const config = loadConfig();
const url = config.databaseUrl ?? `postgres://zhenxing:zhenxing@127.0.0.1:${config.embeddedPgPort}/zhenxing`;
const db = createPool(url, 1);
grantSeparatedRole(db, {
  username,
  role: COMMANDS[command],
  org: flag('org'),
  name: flag('name'),
  password: process.env.ZX_USER_PASSWORD,
})
  .then((r) =>
    console.log(
      `${username}: ${COMMANDS[command]} granted${r.created ? ' (account created)' : ''}; its sessions were ended`,
    ),
  )
  .catch((err) => {
    console.error(`[zhenxing] ${err.message}`);
    process.exitCode = 1;
  })
  .finally(() => db.end());
