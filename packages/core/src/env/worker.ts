import { z } from 'zod';
import { commonEnv } from './common';
import { port } from './fields';

export const workerEnv = commonEnv.extend({
  // Port of the worker's own health and metrics endpoint.
  WORKER_PORT: port.default(3002),
  // Interface to bind for that endpoint.
  HOST: z.string().default('0.0.0.0'),
});

export type WorkerEnv = z.infer<typeof workerEnv>;
