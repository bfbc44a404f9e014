// Debian's Chromium, driven by Playwright the way the e2e tests drive it.
import { chromium } from '@playwright/test';
import { chromiumPath, CHROMIUM_FLAGS } from '../../e2e/chromium.mjs';

export const launch = () => chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS });

/** The Chromium version, for the report. @param {import('@playwright/test').Browser} browser */
export const versionOf = (browser) => browser.version();
