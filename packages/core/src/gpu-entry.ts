/** A GPU as an operator declares it by hand: index, product name, memory and, optionally, its UUID. */
export interface GpuEntry {
  index: number;
  /** Product name as the driver reports it, e.g. "NVIDIA L4". */
  type: string;
  memoryMb: number;
  uuid?: string;
}

/**
 * One "index:name:memoryMb[:uuid]" entry, e.g. "0:NVIDIA L4:23034" (the name may contain spaces), as
 * NODE_GPUS and the dashboard's node form take them; undefined when the entry does not look like that.
 */
export function parseGpuEntry(entry: string): GpuEntry | undefined {
  const match = /^\s*(\d+)\s*:\s*([^:]*[^:\s])\s*:\s*(\d+)\s*(?::\s*(\S+)\s*)?$/.exec(entry);
  if (!match) return undefined;
  return { index: Number(match[1]), type: match[2]!, memoryMb: Number(match[3]), ...(match[4] ? { uuid: match[4] } : {}) };
}
