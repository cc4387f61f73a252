import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// The release smoke test of scripts/build-release: one spec that signs in
// itself (no global sign-in), against the release server the script
// started on a free port (BASE_URL).
export default defineConfig({
  ...base,
  testDir: './smoke',
  globalSetup: undefined,
  use: { ...base.use, storageState: undefined },
});
