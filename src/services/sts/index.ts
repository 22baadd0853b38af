import type { ServiceDefinition } from '../service-types.js';

/** AWS Security Token Service: who is calling, and temporary credentials. */
export const sts: ServiceDefinition = {
  name: 'sts',
  models: ['sts'],
  load: () => import('./provider.js'),
};
