import { EmptyState } from '../../components/ui/Feedback';
import { Link, useTitle } from '../../lib/router';

export function NotFoundRoute() {
  useTitle('Not found');
  return (
    <section>
      <h1>Page not found</h1>
      <EmptyState title="There is nothing at this address.">
        <p>
          <Link href="/">Go to the Studio</Link>
        </p>
      </EmptyState>
    </section>
  );
}
