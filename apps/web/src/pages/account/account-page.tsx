import { QueryState } from '../../components/query-state';
import { PageHeader } from '../../components/ui';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, Notice } from '../../components/ui';
import { useProfile, useResendVerification } from './account.queries';
import { ChatLinkSection } from './chat-link-section';
import { PasskeysSection } from './passkeys-section';
import { DesktopNotificationsSection } from './desktop-notifications-section';
import { PasswordSection } from './password-section';
import { ProfileSection } from './profile-section';
import { SecurityLogSection, SessionsSection } from './sessions-section';
import { TwoFactorSection } from './two-factor-section';

function VerifyEmailNotice() {
  const feedback = useFeedback();
  const resend = useResendVerification(feedback);
  return (
    <Notice tone="warning">
      Confirm your email address (see your mailbox) to create or join an organization.{' '}
      <Button variant="ghost" busy={resend.isPending} onClick={() => resend.mutate()}>
        Send the mail again
      </Button>
      <FeedbackNotice feedback={feedback} />
    </Notice>
  );
}

/** The signed-in user's own account: name, password, two-factor sign-in, sessions and security log (issue 18). */
export function AccountPage() {
  const profile = useProfile();
  return (
    <div className="page page-narrow">
      <PageHeader title="Your account" subtitle="Your name and password, the same in every organization." />
      <QueryState query={profile}>
        {(data) => (
          <>
            {data.emailVerificationRequired && !data.emailVerified && <VerifyEmailNotice />}
            <ProfileSection key={data.email} email={data.email} displayName={data.displayName} />
          </>
        )}
      </QueryState>
      <PasswordSection />
      <TwoFactorSection />
      <PasskeysSection />
      <SessionsSection />
      <SecurityLogSection />
      <DesktopNotificationsSection />
      <ChatLinkSection />
    </div>
  );
}
