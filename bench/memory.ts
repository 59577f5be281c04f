/**
 * Peak resident memory of a phase, from Linux's VmHWM. Writing "5" to /proc/self/clear_refs resets
 * the high-water mark to the current RSS, so VmHWM read afterwards is the phase's own peak. The
 * reported figure is that peak minus the RSS at the phase start (after a full GC): resident memory
 * the phase added at its worst moment, whether it was later freed or not.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { collectGarbage } from "./timing.js";

function statusKb(field: "VmRSS" | "VmHWM"): number | undefined {
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

function resetHighWater(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

/** Runs `phase`; `peakBytes` is null where the OS offers no resettable high-water mark (non-Linux). */
export async function measurePeak<T>(phase: () => Promise<T>): Promise<{ result: T; peakBytes: number | null }> {
  collectGarbage();
  const canMeasure = resetHighWater();
  const before = statusKb("VmRSS");
  const result = await phase();
  const peak = statusKb("VmHWM");
  if (!canMeasure || before === undefined || peak === undefined) return { result, peakBytes: null };
  return { result, peakBytes: Math.max(0, peak - before) * 1024 };
}
