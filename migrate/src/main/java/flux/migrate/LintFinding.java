package flux.migrate;

/**
 * One thing lint flags: where, what, and why it matters.
 *
 * @param file    the pending file
 * @param line    the line of the statement that does it
 * @param message one line naming the object, the table's size where it matters, and the safer way
 */
public record LintFinding(String file, int line, LintRule rule, String message) {
}
