/** The machine and library versions a table was measured on. */
import os from "node:os";

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  node: string;
  v8: string;
  /** 1-minute load average when the run started: other processes on a 2-core machine skew timings. */
  loadAverage: number;
  versions: Record<string, string>;
}

export function machineInfo(versions: Record<string, string>): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    loadAverage: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    versions,
  };
}

export function formatMachine(m: MachineInfo): string {
  const libs = Object.entries(m.versions).map(([k, v]) => `${k} ${v}`).join(", ");
  return [
    `CPU: ${m.cpu} (${m.cores} cores available), ${m.memoryGiB} GiB RAM`,
    `OS: ${m.platform}; load average ${m.loadAverage} at start`,
    `Node ${m.node} (V8 ${m.v8}); ${libs}`,
  ].join("\n");
}
