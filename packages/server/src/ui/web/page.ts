import type { Child } from './dom.ts';

/** What a route renders: the document title and the content of <main> (with its own h1). */
export interface Page {
  title: string;
  content: Child[];
}

/** A route handler gets the decoded path segments after its prefix. */
export type Render = (params: string[]) => Promise<Page>;

/** Re-renders the current page (after a promotion, or signing in or out). */
export let refresh: () => Promise<void> = async () => {};

export function setRefresh(fn: () => Promise<void>): void {
  refresh = fn;
}
