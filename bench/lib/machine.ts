/** What a result was measured on: the machine, the runtime and the code (git commit). */
import { execFileSync } from 'node:child_process';
import { cpus, release, totalmem, type as osType } from 'node:os';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly ramBytes: number;
  readonly node: string;
  readonly os: string;
  /** Open-file limit of the bench process (children inherit it): caps connections per process. */
  readonly openFilesLimit: number | undefined;
}

export interface GitInfo {
  readonly commit: string;
  /** Uncommitted changes in the work tree when the run started. */
  readonly dirty: boolean;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model ?? 'unknown',
    cores: list.length,
    ramBytes: totalmem(),
    node: process.version,
    os: `${osType()} ${release()}`,
    openFilesLimit: openFilesLimit(),
  };
}

function openFilesLimit(): number | undefined {
  try {
    const limits = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
    return Number(limits.trim()) || undefined;
  } catch {
    return undefined;
  }
}

export function gitInfo(cwd: string): GitInfo {
  const git = (...args: string[]): string => {
    try {
      return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  return { commit: git('rev-parse', 'HEAD') || 'unknown', dirty: git('status', '--porcelain', '--untracked-files=no') !== '' };
}
