package flux.app.ui.view;

/**
 * What every page's layout shows: its title and menu section, who is signed in, whether the
 * operator's pages are open to them, and the CSRF token its forms repeat.
 *
 * @param signedIn a key is signed in (keys mode); open mode has no sign-out
 */
public record Frame(String title, String section, String caller, boolean admin, boolean signedIn, String csrf) {
}
