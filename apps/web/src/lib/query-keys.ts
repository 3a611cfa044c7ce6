/**
 * Every server-state query key of the dashboard, from one factory: organization data lives under
 * `['org', orgId, ...]`, so switching organizations never shows another's cache and a socket hint invalidates one
 * organization's queries by prefix.
 */
export interface AlertFilter {
  state?: 'open' | 'acknowledged' | 'false_alarm' | 'confirmed';
  printerId?: string;
  limit?: number;
}

export const queryKeys = {
  me: ['me'] as const,
  invitation: (token: string) => ['invitation', token] as const,
  org: (orgId: string) => orgKeys(orgId),
};

function orgKeys(orgId: string) {
  const all = ['org', orgId] as const;
  const queue = [...all, 'queue'] as const;
  const printer = (printerId: string) => [...all, 'printer', printerId] as const;
  const alerts = [...all, 'alerts'] as const;
  return {
    all,
    fleets: [...all, 'fleets'] as const,
    /** Defaults for new printers: the organization's and each fleet's. */
    printerDefaults: [...all, 'printer-defaults'] as const,
    /** The signed-in person's saved grid views in this organization. */
    savedViews: [...all, 'saved-views'] as const,
    printer: (printerId: string) => [...printer(printerId), 'row'] as const,
    /** Attempts of prints on one printer: hinted by queue events naming that printer. */
    printerHistory: (printerId: string) => [...printer(printerId), 'history'] as const,
    printerCredentials: (printerId: string) => [...printer(printerId), 'credentials'] as const,
    /** The server's last 30 minutes of temperatures: read once per visit, live updates extend it. */
    printerTemperatures: (printerId: string) => [...printer(printerId), 'temperatures'] as const,
    /** Jobs, their copies and printers' readiness: hinted by every queue event. */
    queue,
    jobs: [...queue, 'jobs'] as const,
    job: (jobId: string) => [...queue, 'job', jobId] as const,
    readiness: [...queue, 'readiness'] as const,
    files: [...all, 'files'] as const,
    /** Hinted by alert events (a list narrowed to one printer only by that printer's). */
    alerts,
    alertList: (filter: AlertFilter) => [...alerts, filter] as const,
    enrollmentTokens: [...all, 'enrollment-tokens'] as const,
    enrollmentImport: (importId: string) => [...all, 'enrollment-imports', importId] as const,
    members: [...all, 'members'] as const,
    invitations: [...all, 'invitations'] as const,
    apiKeys: [...all, 'api-keys'] as const,
    webhooks: [...all, 'webhooks'] as const,
    spools: [...all, 'spools'] as const,
    spoolman: [...all, 'spoolman'] as const,
    maintenance: [...all, 'maintenance'] as const,
    report: (filter: Record<string, string>) => [...all, 'reports', filter] as const,
    quotas: [...all, 'quotas'] as const,
    webhookDeliveries: (webhookId: string) => [...all, 'webhooks', webhookId, 'deliveries'] as const,
    notificationChannels: [...all, 'notification-channels'] as const,
    myNotificationPreferences: [...all, 'notification-preferences', 'me'] as const,
    notificationSettings: [...all, 'notification-settings'] as const,
    channelDeliveries: (channelId: string) => [...all, 'notification-channels', channelId, 'deliveries'] as const,
    chatIntegrations: [...all, 'chat-integrations'] as const,
    chatLinks: [...all, 'chat-links'] as const,
    /** The organization's failure detector: labels, training, heads; hinted by `detector.changed`. */
    detector: [...all, 'detector'] as const,
    /** A person's label on one frame (the printer page's snapshot and alert frames). */
    frameLabel: (frameId: string) => [...all, 'frame-label', frameId] as const,
    audit: (filters: Record<string, string | undefined>) => [...all, 'audit', filters] as const,
  };
}

export type OrgKeys = ReturnType<typeof orgKeys>;
