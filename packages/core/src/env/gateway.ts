import { z } from 'zod';
import { commonEnv } from './common';
import { port } from './fields';

export const gatewayEnv = commonEnv.extend({
  // Port the gateway listens on: every SDK call comes through it.
  GATEWAY_PORT: port.default(3001),
  // Interface to bind; 0.0.0.0 serves every interface.
  HOST: z.string().default('0.0.0.0'),
});

export type GatewayEnv = z.infer<typeof gatewayEnv>;
