// CPU time a process has used (user + system, from /proc), so a benchmark can say what each request cost the
// process that served it. On a machine shared with other work this is steadier than throughput: contention
// stretches wall time far more than it changes the CPU one request takes.
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';

const ticksPerSecond = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** Seconds of CPU `pid` has used so far (resolution one clock tick, usually 10 ms). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}
