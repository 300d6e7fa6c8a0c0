// The notice-window drill (Q7) starts Temporal's time-skipping test server at a past date through
// libfaketime, to walk the 2026 Mid-Autumn and National Day holidays. Install it when missing.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';
if (!existsSync('/usr/bin/faketime')) {
  console.log('[zhenxing] installing faketime for the notice-window drill…');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime', {
    stdio: 'inherit',
  });
}
