/** The package version (package.json's), written by scripts/write-version.mjs; test/version.test.ts checks it. */
export const VERSION = "0.1.0";
