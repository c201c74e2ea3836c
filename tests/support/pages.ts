/** Every item of a keyset-paged list, page by page, following `nextCursor` until there is none. */
export async function everyPage<T>(page: (cursor: string | null) => Promise<{ items: T[]; nextCursor: string | null }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const got = await page(cursor);
    items.push(...got.items);
    cursor = got.nextCursor;
  } while (cursor);
  return items;
}
