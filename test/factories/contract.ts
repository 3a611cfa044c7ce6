// What the api answers, as its OpenAPI contract declares it (the dashboard's generated types): factories return these.
import type { components } from '../../apps/web/src/lib/api/schema';

export type Schemas = components['schemas'];
