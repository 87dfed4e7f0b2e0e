package flux.app.ui.view;

import flux.migrate.SchemaComparison;

/**
 * The migrations page's drift section: the comparison {@code flux db drift} makes, or why it
 * could not be made.
 *
 * @param comparison null when {@code error} says why there is none
 */
public record DriftView(SchemaComparison comparison, String error) {
}
