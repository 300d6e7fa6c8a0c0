// Browser tests use Debian's Chromium (the Playwright download cannot work here). Install it when missing.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';
const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(path) || !existsSync('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc')) {
  console.log('[zhenxing] installing Debian chromium for browser tests…');
  execSync(
    'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk',
    { stdio: 'inherit' },
  );
}
