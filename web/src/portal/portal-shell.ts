/**
 * The portal pages' header, taken over in the browser: the server rendered it
 * (`ui/page-header.ts`), complete and working without JavaScript; here the shared `PageShell`
 * attaches the sign-in dialog and shows who is signed in (with the links of their role). Loaded
 * after the page has painted, as a chunk of its own.
 */
import { PageShell } from '../shared/page-shell.ts';

/** Attach the shell to the server-rendered `#top-bar`; null on a page without one. */
export async function attachPortalShell(): Promise<PageShell | null> {
  const header = document.querySelector<HTMLElement>('#top-bar');
  if (!header) return null;
  const shell = new PageShell({ page: 'portal', element: header });
  try {
    await shell.loadUser(new AbortController().signal);
  } catch {
    // Not knowing who is signed in leaves the header as the server drew it: a visitor's.
  }
  return shell;
}
