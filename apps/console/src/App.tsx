import { Box, Button, Center, Group, Loader, NavLink, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { lazy, Suspense, useEffect, useState, type FormEvent } from 'react';
import { Link, match, navigate, useLocation } from './lib/router';
import { useRoutedServices, type ServiceName } from './lib/services';
import { SessionProvider, useSession } from './session';
import { AccountForm } from './screens/AccountForm';
import { AccountsList } from './screens/AccountsList';
import { ContactForm } from './screens/ContactForm';
import { ContactsList } from './screens/ContactsList';
import { Customer360 } from './screens/Customer360';
import { MergeContacts } from './screens/MergeContacts';
import { SearchPage } from './screens/SearchPage';
import { SignIn } from './screens/SignIn';

// The other services' screens are fetched when first opened, so the first load carries contacts only.
const SalesBoard = lazy(() => import('./screens/sales/SalesBoard').then((m) => ({ default: m.SalesBoard })));
const DealPage = lazy(() => import('./screens/sales/DealPage').then((m) => ({ default: m.DealPage })));
const QuoteEditor = lazy(() => import('./screens/sales/QuoteEditor').then((m) => ({ default: m.QuoteEditor })));
const OrdersList = lazy(() => import('./screens/sales/OrdersList').then((m) => ({ default: m.OrdersList })));
const Forecast = lazy(() => import('./screens/sales/Forecast').then((m) => ({ default: m.Forecast })));
const TicketQueue = lazy(() => import('./screens/support/TicketQueue').then((m) => ({ default: m.TicketQueue })));
const TicketPage = lazy(() => import('./screens/support/TicketPage').then((m) => ({ default: m.TicketPage })));
const SegmentBuilder = lazy(() =>
  import('./screens/marketing/SegmentBuilder').then((m) => ({ default: m.SegmentBuilder })),
);
const CampaignsPage = lazy(() =>
  import('./screens/marketing/CampaignsPage').then((m) => ({ default: m.CampaignsPage })),
);
const PromotionsPage = lazy(() =>
  import('./screens/marketing/PromotionsPage').then((m) => ({ default: m.PromotionsPage })),
);
const LoyaltyPage = lazy(() => import('./screens/marketing/LoyaltyPage').then((m) => ({ default: m.LoyaltyPage })));
const SurveysPage = lazy(() => import('./screens/marketing/SurveysPage').then((m) => ({ default: m.SurveysPage })));
const DocumentsPage = lazy(() =>
  import('./screens/documents/DocumentsPage').then((m) => ({ default: m.DocumentsPage })),
);
const DocumentPage = lazy(() => import('./screens/documents/DocumentPage').then((m) => ({ default: m.DocumentPage })));
const ImportsPage = lazy(() => import('./screens/imports/ImportsPage').then((m) => ({ default: m.ImportsPage })));
const AdminPage = lazy(() => import('./screens/admin/AdminPage').then((m) => ({ default: m.AdminPage })));
const AuditLog = lazy(() => import('./screens/admin/AuditLog').then((m) => ({ default: m.AuditLog })));
const CustomFields = lazy(() => import('./screens/admin/CustomFields').then((m) => ({ default: m.CustomFields })));
const Pipelines = lazy(() => import('./screens/admin/Pipelines').then((m) => ({ default: m.Pipelines })));
const SlaPolicies = lazy(() => import('./screens/admin/SlaPolicies').then((m) => ({ default: m.SlaPolicies })));
const Roles = lazy(() => import('./screens/admin/Roles').then((m) => ({ default: m.Roles })));
const AnalyticsPage = lazy(() =>
  import('./screens/analytics/AnalyticsPage').then((m) => ({ default: m.AnalyticsPage })),
);

/** Any of these opens the admin area (its screens then show by their own permission). */
const ADMIN_PERMISSIONS = ['gateway:admin', 'webhooks:admin', 'contacts:admin', 'sales:admin', 'support:admin'];

/** The areas of the console; a service's screens appear only when the gateway routes to it and it answers. */
const AREAS: { to: string; label: string; permission: string | string[]; service?: ServiceName }[] = [
  { to: '/contacts', label: 'Contacts', permission: 'contacts:read' },
  { to: '/accounts', label: 'Accounts', permission: 'contacts:read' },
  { to: '/sales', label: 'Sales', permission: 'sales:read', service: 'sales' },
  { to: '/support', label: 'Support', permission: 'support:read', service: 'support' },
  { to: '/marketing', label: 'Marketing', permission: 'marketing:read', service: 'marketing' },
  { to: '/documents', label: 'Documents', permission: 'documents:read', service: 'documents' },
  { to: '/analytics', label: 'Analytics', permission: 'analytics:read', service: 'analytics' },
  { to: '/imports', label: 'Imports', permission: 'contacts:write' },
  { to: '/admin', label: 'Admin', permission: ADMIN_PERMISSIONS },
  { to: '/search', label: 'Search', permission: '' },
];

export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  );
}

function Shell() {
  const { session, loading, signOut, can } = useSession();
  const { path, search } = useLocation();
  const { routed } = useRoutedServices();
  useEffect(() => {
    if (!loading && !session && path !== '/sign-in')
      navigate(`/sign-in?returnTo=${encodeURIComponent(path + search)}`, true);
    if (session && path === '/') navigate('/contacts', true);
    if (session && path === '/sign-in') {
      const back = new URLSearchParams(search).get('returnTo') ?? '';
      navigate(/^\/(?![/\\])/.test(back) && !back.startsWith('/sign-in') ? back : '/contacts', true);
    }
  }, [loading, session, path, search]);
  if (loading)
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  if (!session) return <SignIn />;
  return (
    <div className="shell">
      <header className="shell-header">
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Title order={1} size="h3">
            CRM
          </Title>
          <GlobalSearch />
          <Group gap="xs" wrap="nowrap">
            <Text size="sm" aria-label="Signed in as">
              {session.name ?? session.subject}
            </Text>
            <Button variant="subtle" size="xs" onClick={() => void signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </header>
      <Box component="nav" className="shell-nav" p="xs" aria-label="Areas">
        {AREAS.filter(
          (a) =>
            (Array.isArray(a.permission) ? a.permission.some((p) => can(p)) : !a.permission || can(a.permission)) &&
            (!a.service || routed(a.service)),
        ).map((a) => (
          <NavLink
            key={a.to}
            component={Link}
            to={a.to}
            label={a.label}
            active={path === a.to || path.startsWith(`${a.to}/`)}
          />
        ))}
      </Box>
      <Box component="main" className="shell-main" p="md">
        <Suspense fallback={<Loader aria-label="Loading the screen" />}>
          <Screen path={path} routed={routed} can={can} />
        </Suspense>
      </Box>
    </div>
  );
}

function Screen({
  path,
  routed,
  can,
}: {
  path: string;
  routed: (s: ServiceName) => boolean;
  can: (permission: string) => boolean;
}) {
  let m: Record<string, string> | null;
  if (path === '/sales' && routed('sales')) return <SalesBoard />;
  if ((m = match('/sales/deals/:id', path)) && routed('sales')) return <DealPage id={m['id']} />;
  if (path === '/sales/quotes/new' && routed('sales')) return <QuoteEditor />;
  if ((m = match('/sales/quotes/:id', path)) && routed('sales')) return <QuoteEditor id={m['id']} />;
  if (path === '/sales/orders' && routed('sales')) return <OrdersList />;
  if (path === '/sales/forecast' && routed('sales')) return <Forecast />;
  if (path === '/support' && routed('support')) return <TicketQueue />;
  if ((m = match('/support/tickets/:id', path)) && routed('support')) return <TicketPage id={m['id']} />;
  if (path === '/marketing' && routed('marketing')) return <SegmentBuilder />;
  if (path === '/marketing/campaigns' && routed('marketing')) return <CampaignsPage />;
  if ((m = match('/marketing/campaigns/:id', path)) && routed('marketing')) return <CampaignsPage id={m['id']} />;
  if (path === '/marketing/promotions' && routed('marketing')) return <PromotionsPage />;
  if ((m = match('/marketing/promotions/:id', path)) && routed('marketing')) return <PromotionsPage id={m['id']} />;
  if (path === '/marketing/loyalty' && routed('marketing')) return <LoyaltyPage />;
  if (path === '/marketing/surveys' && routed('marketing')) return <SurveysPage />;
  if ((m = match('/marketing/surveys/:id', path)) && routed('marketing')) return <SurveysPage id={m['id']} />;
  if (path === '/documents' && routed('documents')) return <DocumentsPage />;
  if ((m = match('/documents/:id', path)) && routed('documents')) return <DocumentPage id={m['id']} />;
  if (path === '/analytics' && routed('analytics')) return <AnalyticsPage />;
  if ((m = match('/analytics/:view', path)) && routed('analytics')) return <AnalyticsPage view={m['view']} />;
  if (path === '/contacts') return <ContactsList />;
  if (path === '/contacts/new') return <ContactForm />;
  if ((m = match('/contacts/:id/edit', path))) return <ContactForm id={m['id']} />;
  if ((m = match('/contacts/:id/merge/:otherId', path))) return <MergeContacts id={m['id']} otherId={m['otherId']} />;
  if ((m = match('/contacts/:id', path))) return <Customer360 id={m['id']} />;
  if (path === '/accounts') return <AccountsList />;
  if (path === '/accounts/new') return <AccountForm />;
  if ((m = match('/accounts/:id/edit', path))) return <AccountForm id={m['id']} />;
  if (path === '/search') return <SearchPage />;
  if (path === '/imports' && can('contacts:write')) return <ImportsPage />;
  if (path === '/admin' && ADMIN_PERMISSIONS.some((p) => can(p))) return <AdminPage />;
  if (path === '/admin/audit' && can('gateway:admin')) return <AuditLog />;
  if (path === '/admin/custom-fields' && can('contacts:read')) return <CustomFields />;
  if (path === '/admin/pipelines' && routed('sales') && can('sales:read')) return <Pipelines />;
  if (path === '/admin/sla' && routed('support') && can('support:read')) return <SlaPolicies />;
  if (path === '/admin/roles') return <Roles />;
  return (
    <Text role="status">
      Nothing here. <Link to="/contacts">Go to contacts</Link>
    </Text>
  );
}

function GlobalSearch() {
  const [q, setQ] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (q.trim()) navigate(`/search?q=${encodeURIComponent(q.trim())}`);
  };
  return (
    <form role="search" onSubmit={submit} className="global-search">
      <VisuallyHidden>
        <label htmlFor="global-search">Search everything</label>
      </VisuallyHidden>
      <TextInput
        id="global-search"
        placeholder="Search people and accounts…"
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        maxLength={200}
      />
    </form>
  );
}
