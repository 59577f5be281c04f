/** loadAdapter on module files written here: what it accepts and each refusal's one line (file and field). */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadAdapter } from "../src/node/adapter/load.js";
import { removeTempDirs, tempDir } from "./helpers/cli-run.js";

afterAll(removeTempDirs);

let n = 0;
async function moduleFile(source: string): Promise<string> {
  const file = join(await tempDir(), `adapter${n++}.mjs`);
  await writeFile(file, source);
  return file;
}

const CREATE = "create: () => ({ loadStateDict() {}, forward() {} })";

describe("loadAdapter", () => {
  it("returns the default export when it is an adapter (version and supports optional)", async () => {
    const a = await loadAdapter(await moduleFile(`export default { name: "x", ${CREATE} };`));
    expect(a.name).toBe("x");
    const b = await loadAdapter(await moduleFile(`export default { name: "y", version: "1.0", supports: () => true, ${CREATE} };`));
    expect([b.version, typeof b.supports]).toEqual(["1.0", "function"]);
  });

  it.each([
    ["no default export", "export const a = 1;", "default: the default export must be an adapter object"],
    ["a default export that is null", "export default null;", "default: the default export must be an adapter object"],
    ["a default export that is a function", `export default function () {}`, "default: the default export must be an adapter object"],
    ["no name", `export default { ${CREATE} };`, "default.name: must be a non-empty string"],
    ["an empty name", `export default { name: "", ${CREATE} };`, "default.name: must be a non-empty string"],
    ["a version that is a number", `export default { name: "x", version: 1, ${CREATE} };`, "default.version: must be a string when present"],
    ["supports that is not a function", `export default { name: "x", supports: true, ${CREATE} };`, "default.supports: must be a function when present"],
    ["no create", `export default { name: "x" };`, "default.create: must be a function"],
  ])("refuses %s", async (_label, source, message) => {
    const file = await moduleFile(source);
    await expect(loadAdapter(file)).rejects.toMatchObject({ name: "FixtureError", message: `${file}: ${message}` });
  });

  it("a module that cannot be loaded: its error on one line", async () => {
    const file = await moduleFile(`throw new Error("first\\n   second");`);
    await expect(loadAdapter(file)).rejects.toMatchObject({ message: `${file}: cannot load the adapter: first; second` });
    const thrown = await moduleFile(`throw "plain";`);
    await expect(loadAdapter(thrown)).rejects.toMatchObject({ message: `${thrown}: cannot load the adapter: plain` });
  });
});
