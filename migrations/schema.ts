import {
  AccountToken,
  ApiKey,
  Fleet,
  Invitation,
  Membership,
  Organization,
  PasskeyCredential,
  RecoveryCode,
  SecurityEvent,
  Session,
  SignInChallenge,
  TotpCredential,
  SsoIdentity,
  SsoProvider,
  User,
} from '@farmhand/accounts';
import { AuditEntry } from '@farmhand/audit';
import {
  DetectionAlert,
  DetectionFrame,
  DetectionFrameEmbedding,
  DetectionFrameLabel,
  DetectorHead,
  DetectorStateRow,
} from '@farmhand/detection';
import { SavedView } from '@farmhand/dashboard';
import { createDataSource, type DataSourceInput } from '@farmhand/core';
import { EnrollmentPairing, EnrollmentToken, PrinterCredential } from '@farmhand/enrollment';
import { GcodeFile } from '@farmhand/files';
import {
  HeldNotification,
  NotificationChannel,
  NotificationPreference,
  NotificationSettings,
  PushSubscription,
  Webhook,
  WebhookDelivery,
} from '@farmhand/notifications';
import { ChatAccount, ChatIntegration, ChatLinkCode } from '@farmhand/chatops';
import { PrintAttempt, PrintCopy, PrinterBed, PrintJob } from '@farmhand/jobs';
import { PrinterStateInterval, Quota, ReportDailyRollup, ReportMonthlyRollup, ReportSettings } from '@farmhand/reports';
import { Printer, PrinterDefaults } from '@farmhand/printers';
import {
  MaintenanceCompletion,
  MaintenanceDueNotice,
  MaintenancePhoto,
  MaintenanceTask,
  PrinterUsageTotal,
} from '@farmhand/maintenance';
import { Spool, SpoolmanConnection, SpoolUsage } from '@farmhand/spools';
import { Initial1795715017710 } from './1795715017710-initial';
import { PrinterCredentials1795716481027 } from './1795716481027-printer-credentials';
import { Enrollment1795717030089 } from './1795717030089-enrollment';
import { PrintQueue1795717163688 } from './1795717163688-print-queue';
import { Webhooks1795724026578 } from './1795724026578-webhooks';
import { Detection1795723902944 } from './1795723902944-detection';
import { PrintQueueLooseEnds1795724648481 } from './1795724648481-print-queue-loose-ends';
import { AlertBoxes1795740000000 } from './1795740000000-alert-boxes';
import { NotificationChannels1795800004817 } from './1795800004817-notification-channels';
import { PrintFormats1795841207355 } from './1795841207355-print-formats';
import { ChatOps1795864716392 } from './1795864716392-chat-ops';
import { AccountSecurity1795861234873 } from './1795861234873-account-security';
import { Passkeys1795870000000 } from './1795870000000-passkeys';
import { EmailRecipientOutcomes1795880000000 } from './1795880000000-email-recipient-outcomes';
import { Spools1795807316402 } from './1795807316402-spools';
import { Maintenance1795809152736 } from './1795809152736-maintenance';
import { SavedViews1795862734918 } from './1795862734918-saved-views';
import { SingleSignOn1795842522048 } from './1795842522048-single-sign-on';
import { PushSubscriptions1796605578446 } from './1796605578446-push-subscriptions';
import { NotificationPreferences1796605588127 } from './1796605588127-notification-preferences';
import { NotificationSettings1796608358725 } from './1796608358725-notification-settings';
import { Reports1796605650428 } from './1796605650428-reports';
import { PinnedPrinter1796607000000 } from './1796607000000-pinned-printer';
import { PrinterDefaults1796607136021 } from './1796607136021-printer-defaults';
import { Spoolman1796609000000 } from './1796609000000-spoolman';
import { MaintenancePhotos1796609100000 } from './1796609100000-maintenance-photos';
import { ReportMonthlyRollups1796612000000 } from './1796612000000-report-monthly-rollups';
import { Quotas1796700000000 } from './1796700000000-quotas';
import { MaintenanceDueNotices1796609200000 } from './1796609200000-maintenance-due-notices';
import { FarmDetector1796800000000 } from './1796800000000-farm-detector';

/** Every entity of the schema and every migration, in order: the single list for the apps, the CLI and the tests. */
export const ENTITIES = [
  User,
  Session,
  Organization,
  Membership,
  Invitation,
  Fleet,
  ApiKey,
  TotpCredential,
  RecoveryCode,
  PasskeyCredential,
  SignInChallenge,
  AccountToken,
  SecurityEvent,
  AuditEntry,
  Printer,
  PrinterDefaults,
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
  NotificationChannel,
  PushSubscription,
  NotificationPreference,
  HeldNotification,
  NotificationSettings,
  DetectionFrame,
  DetectionAlert,
  DetectionFrameLabel,
  DetectorHead,
  DetectorStateRow,
  DetectionFrameEmbedding,
  ChatIntegration,
  ChatAccount,
  ChatLinkCode,
  Spool,
  SpoolUsage,
  SpoolmanConnection,
  MaintenanceTask,
  MaintenanceCompletion,
  MaintenancePhoto,
  MaintenanceDueNotice,
  PrinterUsageTotal,
  SavedView,
  SsoProvider,
  SsoIdentity,
  ReportSettings,
  ReportDailyRollup,
  ReportMonthlyRollup,
  Quota,
  PrinterStateInterval,
];
export const MIGRATIONS = [
  Initial1795715017710,
  PrinterCredentials1795716481027,
  Enrollment1795717030089,
  PrintQueue1795717163688,
  Detection1795723902944,
  Webhooks1795724026578,
  PrintQueueLooseEnds1795724648481,
  AlertBoxes1795740000000,
  NotificationChannels1795800004817,
  PrintFormats1795841207355,
  ChatOps1795864716392,
  AccountSecurity1795861234873,
  Spools1795807316402,
  Maintenance1795809152736,
  SavedViews1795862734918,
  SingleSignOn1795842522048,
  Passkeys1795870000000,
  PushSubscriptions1796605578446,
  NotificationPreferences1796605588127,
  NotificationSettings1796608358725,
  Reports1796605650428,
  PinnedPrinter1796607000000,
  PrinterDefaults1796607136021,
  Spoolman1796609000000,
  MaintenancePhotos1796609100000,
  MaintenanceDueNotices1796609200000,
  EmailRecipientOutcomes1795880000000,
  ReportMonthlyRollups1796612000000,
  Quotas1796700000000,
  FarmDetector1796800000000,
];

export function createFarmhandDataSource(url: string, options: Partial<DataSourceInput> = {}) {
  return createDataSource({ url, entities: ENTITIES, migrations: MIGRATIONS, ...options });
}
