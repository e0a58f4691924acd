import { AuthForm } from '../../features/auth/components/AuthForm';
import { LinkSignIn } from '../../features/auth/components/LinkSignIn';
import { useTitle } from '../../lib/router';

export function SignInRoute() {
  useTitle('Sign in');
  return <AuthForm mode="sign-in" />;
}

export function SignUpRoute() {
  useTitle('Create account');
  return <AuthForm key="sign-up" mode="sign-up" />;
}

export function LinkSignInRoute() {
  useTitle('Signing in');
  return <LinkSignIn />;
}
