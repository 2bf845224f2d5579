import { Navigate, Route, Routes } from 'react-router';
import { AlertsPage } from './alerts/alerts-page.tsx';
import { CasePage } from './cases/case-page.tsx';
import { CasesPage } from './cases/cases-page.tsx';
import { DestructionPage } from './destructions/destruction-page.tsx';
import { DraftsPage } from './drafts/drafts-page.tsx';
import { DestructionsPage } from './destructions/destructions-page.tsx';
import { PlanDestructionPage } from './destructions/plan-destruction-page.tsx';
import { IntelligencePage } from './intelligence/intelligence-page.tsx';
import { RegistryPage } from './registry/registry-page.tsx';
import { QueuePage } from './review/queue-page.tsx';
import { useSession } from './session/session.tsx';
import { SignInPage } from './session/sign-in-page.tsx';
import { CustodyPage } from './stockpile/custody-page.tsx';
import { StockItemPage } from './stockpile/item-page.tsx';
import { BulkUploadPage } from './traces/bulk-upload-page.tsx';
import { EditTracePage, NewTracePage } from './traces/trace-form-page.tsx';
import { TracePage } from './traces/trace-page.tsx';
import { TracesPage } from './traces/traces-page.tsx';
import { HOME, Layout } from './ui/layout.tsx';
import { Later, later } from './ui/later.tsx';
import { NotFoundPage } from './ui/not-found-page.tsx';
import { WeaponPage } from './weapons/weapon-page.tsx';
import { WeaponsPage } from './weapons/weapons-page.tsx';

// The chart pages carry chart.js; the guide's text and the administrator's pages are big and seldom opened — none of
// them is fetched with the sign-in page (the first load on a field link has a budget: tests/web-field.test.ts).
const ReportsPage = later(() => import('./reports/reports-page.tsx'), 'ReportsPage');
const CountryReportPage = later(() => import('./reports/country-report-page.tsx'), 'CountryReportPage');
const DashboardPage = later(() => import('./review/dashboard-page.tsx'), 'DashboardPage');
const HelpPage = later(() => import('./help/help-page.tsx'), 'HelpPage');
const AdministrationPage = later(() => import('./admin/administration-page.tsx'), 'AdministrationPage');
// The count pages carry the camera's QR reader (loaded when the camera opens) and are a store room's, not a field link's.
const StocktakesPage = later(() => import('./stocktakes/stocktakes-page.tsx'), 'StocktakesPage');
const StocktakePage = later(() => import('./stocktakes/stocktake-page.tsx'), 'StocktakePage');

export function App() {
  const { me } = useSession();
  if (!me) return <SignInPage />;
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<Navigate to={HOME[me.role]} replace />} />
        <Route path="cases" element={<CasesPage />} />
        <Route path="cases/:id" element={<CasePage />} />
        <Route path="traces" element={<TracesPage />} />
        <Route path="traces/new" element={<NewTracePage />} />
        <Route path="traces/bulk" element={<BulkUploadPage />} />
        <Route path="traces/:id" element={<TracePage />} />
        <Route path="traces/:id/edit" element={<EditTracePage />} />
        <Route path="queue" element={<QueuePage />} />
        <Route
          path="dashboard"
          element={
            <Later>
              <DashboardPage />
            </Later>
          }
        />
        <Route
          path="reports"
          element={
            <Later>
              <ReportsPage />
            </Later>
          }
        />
        <Route
          path="reports/country"
          element={
            <Later>
              <CountryReportPage />
            </Later>
          }
        />
        <Route path="stockpile" element={<CustodyPage />} />
        <Route path="stockpile/:id" element={<StockItemPage />} />
        <Route
          path="stocktakes"
          element={
            <Later>
              <StocktakesPage />
            </Later>
          }
        />
        <Route
          path="stocktakes/:id"
          element={
            <Later>
              <StocktakePage />
            </Later>
          }
        />
        <Route path="destructions" element={<DestructionsPage />} />
        <Route path="destructions/new" element={<PlanDestructionPage />} />
        <Route path="destructions/:id" element={<DestructionPage />} />
        <Route path="weapons" element={<WeaponsPage />} />
        <Route path="weapons/:id" element={<WeaponPage />} />
        <Route path="registry" element={<RegistryPage />} />
        <Route path="alerts" element={<AlertsPage />} />
        <Route path="intelligence" element={<IntelligencePage />} />
        <Route path="drafts" element={<DraftsPage />} />
        <Route
          path="help"
          element={
            <Later>
              <HelpPage />
            </Later>
          }
        />
        <Route
          path="administration"
          element={
            <Later>
              <AdministrationPage />
            </Later>
          }
        />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
