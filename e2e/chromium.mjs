// Finds the Chromium the end-to-end tests drive. Playwright's own browser download is
// never used: set SLOTWISE_CHROMIUM to a Chromium binary, or have Debian's `chromium`
// package installed (/usr/bin/chromium). When neither is there and we are root on a
// Debian-like system, install the package; otherwise say exactly what to install.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export function chromiumPath() {
  return process.env.SLOTWISE_CHROMIUM || DEFAULT_CHROMIUM;
}

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function ensureChromium() {
  const path = chromiumPath();
  if (existsSync(path)) return path;
  const canApt = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!process.env.SLOTWISE_CHROMIUM && canApt) {
    console.log('Chromium not found: installing Debian\'s "chromium" package…');
    execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', {
      stdio: 'inherit',
    });
    if (existsSync(path)) return path;
  }
  console.error(
    `No Chromium at ${path}. Install Debian's package (sudo apt-get install chromium) ` +
      'or point SLOTWISE_CHROMIUM at a Chromium binary, then run npm test again.',
  );
  process.exit(1);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`Chromium for e2e: ${ensureChromium()}`);
}
