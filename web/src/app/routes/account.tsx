import { AccountPage } from '../../features/account/components/AccountPage';
import { useAccount, useAuth } from '../../lib/auth';
import { navigate, useTitle } from '../../lib/router';

export function AccountRoute() {
  useTitle('Account');
  const account = useAccount();
  const { signedOut } = useAuth();
  return (
    <AccountPage
      account={account}
      onSignedOut={() => {
        signedOut();
        navigate('/sign-in', { replace: true });
      }}
    />
  );
}
