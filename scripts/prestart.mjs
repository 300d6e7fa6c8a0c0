// Build the web app once when it has not been built yet (npm start serves web/dist).
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';
if (
  !existsSync(new URL('../web/dist/index.html', import.meta.url)) &&
  existsSync(new URL('../web/vite.config.ts', import.meta.url))
) {
  console.log('[zhenxing] building the web app (first start only)…');
  execSync('npx vite build --config web/vite.config.ts --logLevel warn', { stdio: 'inherit' });
}
