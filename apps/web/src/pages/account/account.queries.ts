import { useQuery } from '@tanstack/react-query';
import { startRegistration, type PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/browser';
import type { Feedback } from '../../components/feedback';
import { client, unwrap } from '../../lib/api';
import { useApiMutation } from '../../lib/mutations';

const PROFILE_KEY = ['account', 'profile'] as const;

export function useProfile() {
  return useQuery({ queryKey: PROFILE_KEY, queryFn: () => unwrap(client.GET('/api/auth/profile')) });
}

export function useUpdateProfile(feedback: Feedback) {
  return useApiMutation({
    mutationFn: (displayName: string) => unwrap(client.PATCH('/api/auth/profile', { body: { displayName } })),
    feedback,
    success: (profile) => `Your name is now ${profile.displayName}`,
    invalidates: () => [PROFILE_KEY],
  });
}

export function useChangePassword(feedback: Feedback, onChanged: () => void) {
  return useApiMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) =>
      unwrap(client.POST('/api/auth/password', { body })),
    feedback,
    success: ({ otherSessionsEnded }) =>
      `Password changed${otherSessionsEnded ? `; signed out of ${otherSessionsEnded} other session${otherSessionsEnded === 1 ? '' : 's'}` : ''}`,
    onSuccess: onChanged,
  });
}

const TWO_FACTOR_KEY = ['account', 'two-factor'] as const;
const SESSIONS_KEY = ['account', 'sessions'] as const;
const SECURITY_LOG_KEY = ['account', 'security-log'] as const;

export function useTwoFactor() {
  return useQuery({ queryKey: TWO_FACTOR_KEY, queryFn: () => unwrap(client.GET('/api/auth/two-factor')) });
}

export function useStartTotp(feedback: Feedback) {
  return useApiMutation({
    mutationFn: () => unwrap(client.POST('/api/auth/two-factor/totp')),
    feedback,
  });
}

export function useConfirmTotp(feedback: Feedback, onCodes: (codes: string[]) => void) {
  return useApiMutation({
    mutationFn: (body: { code: string; password: string }) =>
      unwrap(client.POST('/api/auth/two-factor/totp/confirm', { body })),
    feedback,
    success: () => 'Two-factor sign-in is on',
    onSuccess: ({ recoveryCodes }) => onCodes(recoveryCodes),
    invalidates: () => [TWO_FACTOR_KEY, SECURITY_LOG_KEY],
  });
}

export function useDisableTwoFactor(feedback: Feedback) {
  return useApiMutation({
    mutationFn: (body: { code: string; password: string }) =>
      unwrap(client.POST('/api/auth/two-factor/disable', { body })),
    feedback,
    success: () => 'Two-factor sign-in is off',
    invalidates: () => [TWO_FACTOR_KEY, SECURITY_LOG_KEY],
  });
}

export function useNewRecoveryCodes(feedback: Feedback, onCodes: (codes: string[]) => void) {
  return useApiMutation({
    mutationFn: (password: string) =>
      unwrap(client.POST('/api/auth/two-factor/recovery-codes', { body: { password } })),
    feedback,
    onSuccess: ({ recoveryCodes }) => onCodes(recoveryCodes),
    invalidates: () => [TWO_FACTOR_KEY, SECURITY_LOG_KEY],
  });
}

export function useSessions() {
  return useQuery({ queryKey: SESSIONS_KEY, queryFn: () => unwrap(client.GET('/api/auth/sessions')) });
}

export function useSignOutSession(feedback: Feedback) {
  return useApiMutation({
    mutationFn: (sessionId: string) =>
      unwrap(client.DELETE('/api/auth/sessions/{sessionId}', { params: { path: { sessionId } } })),
    feedback,
    success: () => 'Signed out of that session',
    invalidates: () => [SESSIONS_KEY, SECURITY_LOG_KEY],
  });
}

export function useSignOutOthers(feedback: Feedback) {
  return useApiMutation({
    mutationFn: () => unwrap(client.DELETE('/api/auth/sessions')),
    feedback,
    success: ({ ended }) => `Signed out of ${ended} other session${ended === 1 ? '' : 's'}`,
    invalidates: () => [SESSIONS_KEY, SECURITY_LOG_KEY],
  });
}

export function useSecurityLog() {
  return useQuery({ queryKey: SECURITY_LOG_KEY, queryFn: () => unwrap(client.GET('/api/auth/security-log')) });
}

export function useResendVerification(feedback: Feedback) {
  return useApiMutation({
    mutationFn: () => unwrap(client.POST('/api/auth/verify-email/resend')),
    feedback,
    success: ({ sent }) => (sent ? 'A new confirmation mail is on its way' : 'Your email is already confirmed'),
  });
}

const PASSKEYS_KEY = ['account', 'passkeys'] as const;

export function usePasskeys() {
  return useQuery({ queryKey: PASSKEYS_KEY, queryFn: () => unwrap(client.GET('/api/auth/passkeys')) });
}

/** Options from the server, the browser's passkey prompt, then the answer with a name and the password. */
export function useAddPasskey(feedback: Feedback, onAdded: () => void) {
  return useApiMutation({
    mutationFn: async (input: { name: string; password: string }) => {
      const options = await unwrap(client.POST('/api/auth/passkeys/registration-options'));
      const response = await startRegistration({
        optionsJSON: options as unknown as PublicKeyCredentialCreationOptionsJSON,
      });
      return unwrap(
        client.POST('/api/auth/passkeys', {
          body: { ...input, response: response as unknown as Record<string, never> },
        }),
      );
    },
    feedback,
    success: (passkey) => `Passkey "${passkey.name}" added`,
    onSuccess: onAdded,
    invalidates: () => [PASSKEYS_KEY, TWO_FACTOR_KEY, SECURITY_LOG_KEY],
  });
}

export function useRemovePasskey(feedback: Feedback) {
  return useApiMutation({
    mutationFn: (input: { passkeyId: string; password: string }) =>
      unwrap(
        client.DELETE('/api/auth/passkeys/{passkeyId}', {
          params: { path: { passkeyId: input.passkeyId } },
          body: { password: input.password },
        }),
      ),
    feedback,
    success: () => 'Passkey removed',
    invalidates: () => [PASSKEYS_KEY, TWO_FACTOR_KEY, SECURITY_LOG_KEY],
  });
}
