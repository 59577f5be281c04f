export * from "./core/index.js";
export * from "./node/index.js";
