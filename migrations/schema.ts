import { ApiKey, Fleet, Invitation, Membership, Organization, Session, User } from '@farmhand/accounts';
import { AuditEntry } from '@farmhand/audit';
import { DetectionAlert, DetectionFrame } from '@farmhand/detection';
import { createDataSource, type DataSourceInput } from '@farmhand/core';
import { EnrollmentPairing, EnrollmentToken, PrinterCredential } from '@farmhand/enrollment';
import { GcodeFile } from '@farmhand/files';
import { Webhook, WebhookDelivery } from '@farmhand/notifications';
import { PrintAttempt, PrintCopy, PrinterBed, PrintJob } from '@farmhand/jobs';
import { Printer } from '@farmhand/printers';
import { Initial1795715017710 } from './1795715017710-initial';
import { PrinterCredentials1795716481027 } from './1795716481027-printer-credentials';
import { Enrollment1795717030089 } from './1795717030089-enrollment';
import { PrintQueue1795717163688 } from './1795717163688-print-queue';
import { Webhooks1795724026578 } from './1795724026578-webhooks';
import { Detection1795723902944 } from './1795723902944-detection';
import { PrintQueueLooseEnds1795724648481 } from './1795724648481-print-queue-loose-ends';

/** Every entity of the schema and every migration, in order: the single list for the apps, the CLI and the tests. */
export const ENTITIES = [
  User,
  Session,
  Organization,
  Membership,
  Invitation,
  Fleet,
  ApiKey,
  AuditEntry,
  Printer,
  PrinterCredential,
  EnrollmentPairing,
  EnrollmentToken,
  GcodeFile,
  PrintJob,
  PrintCopy,
  PrintAttempt,
  PrinterBed,
  Webhook,
  WebhookDelivery,
  DetectionFrame,
  DetectionAlert,
];
export const MIGRATIONS = [
  Initial1795715017710,
  PrinterCredentials1795716481027,
  Enrollment1795717030089,
  PrintQueue1795717163688,
  Detection1795723902944,
  Webhooks1795724026578,
  PrintQueueLooseEnds1795724648481,
];

export function createFarmhandDataSource(url: string, options: Partial<DataSourceInput> = {}) {
  return createDataSource({ url, entities: ENTITIES, migrations: MIGRATIONS, ...options });
}
