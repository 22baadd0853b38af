import type { ServiceDefinition } from '../service-types.js';

/** AWS Identity and Access Management: global, one state per account. */
export const iam: ServiceDefinition = {
  name: 'iam',
  models: ['iam'],
  global: true,
  load: () => import('./provider.js'),
};
