/** How the detector turns verdicts into alerts; the scoring constants themselves are in scoring/. */
export const ALERT_RULES = {
  /** No new alert on a printer within this long of its previous one. */
  cooldownMs: 90_000,
  /** Who acts when the detector pauses a print (the audit log's actor label). */
  systemReason: 'failure detector',
} as const;
