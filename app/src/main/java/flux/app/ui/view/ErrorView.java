package flux.app.ui.view;

/** A page that could not be shown: the status and the problem's title and detail. */
public record ErrorView(Frame frame, int status, String title, String detail) {
}
