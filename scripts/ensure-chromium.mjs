// The browser tests drive Debian's Chromium through playwright-core (which
// cannot download browsers here). Install it when missing and we may; else say how.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.UGRAD_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = existsSync('/usr/bin/apt-get');
  if (!root || !apt) {
    console.error(`ensure-chromium: ${CHROMIUM} is missing and cannot be installed from here.`);
    console.error('Install it with `sudo apt-get install -y chromium`, or point UGRAD_CHROMIUM at a Chromium binary.');
    process.exit(1);
  }
  console.log('ensure-chromium: installing Debian chromium for the browser tests…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: ['ignore', 'ignore', 'inherit'], env });
}
