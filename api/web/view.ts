import type { Me, Unit } from './api';

/** What a page gets: who is signed in, the route, and a signal that fires when the user leaves. */
export interface View {
  me: Me;
  params: string[];
  search: URLSearchParams;
  signal: AbortSignal;
  navigate(path: string, replace?: boolean): void;
  units(): Promise<Map<string, Unit>>;
}
export type PageRender = (view: View) => Promise<Node[]>;

/** Whether the user may do an action of the permission table (the API decides; the page only hides what would fail). */
export const can = (me: Me, action: string) => me.actions.includes(action);
