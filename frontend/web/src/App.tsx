import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import type { Role } from './api/types';
import { useAuth } from './auth';
import { Layout } from './components/Layout';
import { Empty, Loading } from './components/ui';
import { Home } from './pages/Home';
import { Login } from './pages/Login';
import { ForgotPassword, ResetPassword } from './pages/PasswordReset';
import { SearchPage } from './pages/Search';

// Pages reps rarely open load on demand, keeping the first load small.
const AssetPage = lazy(() => import('./pages/Asset'));
const Library = lazy(() => import('./pages/Library'));
const Analytics = lazy(() => import('./pages/Analytics'));
const Admin = lazy(() => import('./pages/Admin'));
const Settings = lazy(() => import('./pages/Settings'));
const Links = lazy(() => import('./pages/Links'));
const LinkPage = lazy(() => import('./pages/LinkPage'));

function RequireAuth({ children }: { children: ReactNode }) {
  const { session } = useAuth();
  const location = useLocation();
  if (!session) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const { can } = useAuth();
  if (!can(...roles)) {
    return (
      <Empty title="Not available to your role" icon="🔒">
        This page is for {roles.join(' and ')}s. Ask an admin if you need access.
      </Empty>
    );
  }
  return <>{children}</>;
}

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<Login />} />
      {/* Open signed out, and signed in too (a link opened in a shared browser). */}
      <Route path="/forgot-password" element={<ForgotPassword />} />
      <Route path="/reset-password" element={<ResetPassword />} />
      <Route element={<RequireAuth><Layout /></RequireAuth>}>
        <Route index element={<Home />} />
        <Route path="search" element={<SearchPage />} />
        <Route path="assets/:id" element={<Suspense fallback={<Loading />}><AssetPage /></Suspense>} />
        <Route path="links" element={<Suspense fallback={<Loading />}><Links /></Suspense>} />
        <Route path="links/:id" element={<Suspense fallback={<Loading />}><LinkPage /></Suspense>} />
        <Route path="library" element={<RequireRole roles={['admin', 'marketer']}><Suspense fallback={<Loading />}><Library /></Suspense></RequireRole>} />
        <Route path="analytics" element={<RequireRole roles={['admin', 'marketer']}><Suspense fallback={<Loading />}><Analytics /></Suspense></RequireRole>} />
        <Route path="admin" element={<RequireRole roles={['admin']}><Suspense fallback={<Loading />}><Admin /></Suspense></RequireRole>} />
        <Route path="settings" element={<Suspense fallback={<Loading />}><Settings /></Suspense>} />
        <Route path="*" element={<Empty title="Page not found" icon="?">That page does not exist. <a href="/">Go home</a>.</Empty>} />
      </Route>
    </Routes>
  );
}
