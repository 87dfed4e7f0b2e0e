package flux.app.ui.view;

/** The login form: the API key goes into an HttpOnly cookie. */
public record LoginView(Frame frame, String error) {
}
