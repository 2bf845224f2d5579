import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { request, type Page } from './client.ts';

/** A keyset-paged list: the first page, then "load more" with the cursor the API returned. */
export function usePagedList<T>(
  key: readonly unknown[],
  path: (cursor: string | undefined) => string,
  refetchInterval?: number,
) {
  const list = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => request<Page<T>>(path(pageParam)),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval,
  });
  return { ...list, items: list.data?.pages.flatMap((page) => page.items) ?? [] };
}

export function LoadMore({
  list,
}: {
  list: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
}) {
  const { t } = useTranslation();
  if (!list.hasNextPage) return null;
  return (
    <button
      type="button"
      className="load-more"
      disabled={list.isFetchingNextPage}
      onClick={() => void list.fetchNextPage()}
    >
      {t('common.loadMore')}
    </button>
  );
}
