/**
 * Readings from /proc: a process's CPU time and resident memory, and whole-machine busy time, so
 * each phase can report server CPU per operation, the generator's own CPU and what other
 * processes on the shared machine took meanwhile.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";

let clkTck = 0;
function ticksPerSecond(): number {
  if (!clkTck) {
    try {
      clkTck = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

/** utime+stime of a process (all its threads) in milliseconds, or NaN when it is gone. */
export function processCpuMs(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces: fields after the last ")" are fixed.
    const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // rest[0] is field 3 (state); utime is field 14, stime field 15.
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / ticksPerSecond();
  } catch {
    return NaN;
  }
}

/** VmRSS of a process in KiB, or NaN when it is gone. */
export function processRssKiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

/** Busy, stolen (by the hypervisor) and total CPU time of the whole machine (all cores) in milliseconds. */
export function machineCpuMs(): { busy: number; steal: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal guest guest_nice (guest already in user)
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const k = 1000 / ticksPerSecond();
  return { busy: (total - idle) * k, steal: (v[7] ?? 0) * k, total: total * k };
}

export function loadAverage(): string {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(", ");
}

export interface CpuSample {
  t: number;
  server: number[];
  gen: number;
  machine: number;
  steal: number;
}

/** CPU readings at one instant: each server pid, this process, the machine. */
export function sampleCpu(serverPids: number[]): CpuSample {
  const u = process.cpuUsage();
  const m = machineCpuMs();
  return {
    t: performance.now(),
    server: serverPids.map(processCpuMs),
    gen: (u.user + u.system) / 1000,
    machine: m.busy,
    steal: m.steal,
  };
}

export interface CpuSpan {
  wallMs: number;
  /** CPU ms of each server over the span. */
  serverMs: number[];
  genMs: number;
  /** Everything else that ran on the machine (other processes, kernel softirq work), ms. */
  otherMs: number;
  /** Time the hypervisor gave to other guests (a busy host slows everything down), ms. */
  stealMs: number;
}

export function cpuSpan(a: CpuSample, b: CpuSample): CpuSpan {
  const serverMs = b.server.map((x, i) => x - a.server[i]!);
  const genMs = b.gen - a.gen;
  const stealMs = b.steal - a.steal;
  const machine = b.machine - a.machine - stealMs;
  const serverTotal = serverMs.reduce((s, x) => s + (Number.isFinite(x) ? x : 0), 0);
  return { wallMs: b.t - a.t, serverMs, genMs, otherMs: Math.max(0, machine - serverTotal - genMs), stealMs };
}
