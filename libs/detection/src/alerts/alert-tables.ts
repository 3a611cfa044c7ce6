import { sharedTable } from '@farmhand/core';

/** `detection_alerts` for libs/reports (alerts per printer and day, and how many a person marked false). Read-only. */
export const DETECTION_ALERTS_TABLE = sharedTable('detection_alerts', ['org_id', 'printer_id', 'state', 'created_at']);
