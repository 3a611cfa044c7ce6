import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { QueryState } from '../../components/query-state';
import { Button, Section } from '../../components/ui';
import { useSecurityLog, useSessions, useSignOutOthers, useSignOutSession } from './account.queries';

const when = (value: string) => new Date(value).toLocaleString();

/** Where the account is signed in: device, address, last seen; sign out one, or every other. */
export function SessionsSection() {
  const sessions = useSessions();
  const feedback = useFeedback();
  const signOut = useSignOutSession(feedback);
  const signOutOthers = useSignOutOthers(feedback);
  return (
    <Section
      title="Where you are signed in"
      actions={
        <Button busy={signOutOthers.isPending} onClick={() => signOutOthers.mutate()}>
          Sign out all other sessions
        </Button>
      }
    >
      <FeedbackNotice feedback={feedback} />
      <QueryState query={sessions}>
        {(rows) => (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Address</th>
                <th scope="col">Last seen</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((session) => (
                <tr key={session.id}>
                  <td>
                    {session.device}
                    {session.current && <span className="tag">this session</span>}
                  </td>
                  <td>{session.ip ?? 'unknown'}</td>
                  <td>{when(session.lastSeenAt)}</td>
                  <td>
                    {!session.current && (
                      <Button
                        variant="ghost"
                        busy={signOut.isPending && signOut.variables === session.id}
                        onClick={() => signOut.mutate(session.id)}
                        aria-label={`Sign out ${session.device}`}
                      >
                        Sign out
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
    </Section>
  );
}

/** The account's own security log: sign-ins, sign-outs, failed codes, 2FA and password changes. */
export function SecurityLogSection() {
  const log = useSecurityLog();
  return (
    <Section title="Security log">
      <QueryState query={log}>
        {(rows) => (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col">Device</th>
                <th scope="col">Address</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((entry) => (
                <tr key={entry.id}>
                  <td>{when(entry.createdAt)}</td>
                  <td>{entry.event.replace(/[._]/g, ' ')}</td>
                  <td>{entry.device}</td>
                  <td>{entry.ip ?? 'unknown'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
    </Section>
  );
}
