import { useQuery } from '@tanstack/react-query';
import * as api from './endpoints';
import { useAuth } from '../auth';

/** useTaxonomy is the organisation's stages, personas, industries and
 * products; it rarely changes, so it is kept for the session. */
export function useTaxonomy() {
  return useQuery({ queryKey: ['taxonomy'], queryFn: api.getTaxonomy, staleTime: 10 * 60_000 });
}

/** useOpenDeals lists the open deals the user works: a rep's own, or
 * every open deal for marketers and admins. */
export function useOpenDeals() {
  const { user } = useAuth();
  const mine = user?.role === 'rep';
  return useQuery({
    queryKey: ['deals', 'open', mine ? 'me' : 'all'],
    queryFn: () => api.listDeals({ status: 'open', owner: mine ? 'me' : undefined, limit: 100 }),
    staleTime: 60_000,
  });
}
