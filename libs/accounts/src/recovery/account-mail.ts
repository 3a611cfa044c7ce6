import type { AccountsEventMap } from '../accounts.events';

type AccountEmail = AccountsEventMap['account.email'];

/** The mails of the reset and verification flows. The link's secret is in the fragment: it never reaches a server log. */
export function passwordResetMail(to: string, url: string, minutes: number): AccountEmail {
  return {
    purpose: 'password_reset',
    to,
    subject: 'Reset your Farmhand password',
    text: `Someone (hopefully you) asked to reset the password of your Farmhand account.\n\nOpen this link within ${minutes} minutes to choose a new password:\n${url}\n\nIf it was not you, ignore this mail: your password stays as it is.`,
  };
}

export function accountExistsMail(to: string, resetUrl: string, minutes: number): AccountEmail {
  return {
    purpose: 'password_reset',
    to,
    subject: 'You already have a Farmhand account',
    text: `Someone (hopefully you) tried to sign up to Farmhand with this address, which already has an account.\n\nSign in instead, or if you forgot your password, open this link within ${minutes} minutes to choose a new one:\n${resetUrl}\n\nIf it was not you, ignore this mail.`,
  };
}

export function verificationMail(to: string, url: string, hours: number): AccountEmail {
  return {
    purpose: 'email_verification',
    to,
    subject: 'Confirm your email for Farmhand',
    text: `Welcome to Farmhand. Open this link within ${hours} hours to confirm this address:\n${url}\n\nIf you did not sign up, ignore this mail.`,
  };
}
