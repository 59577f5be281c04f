/**
 * Kept for test helpers written before src/fixtures landed: the real, validating readers.
 * New code should import from src/fixtures directly.
 */
export { DEFAULT_FIXTURES_DIR, readManifest } from "../../src/fixtures/manifest.js";
export { readFixture } from "../../src/fixtures/msgpack.js";
