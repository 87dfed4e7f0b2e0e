package flux.migrate;

import java.util.List;

/**
 * What lint found in the pending files.
 *
 * @param files    the pending files checked, in order
 * @param builtIn  where they ran: "a scratch database"; null when nothing was pending
 * @param notes    what to know (column usage not available, a file replayed as edited)
 */
public record LintReport(List<String> files, List<LintFinding> findings, String builtIn, List<String> notes) {
    public LintReport {
        files = List.copyOf(files);
        findings = List.copyOf(findings);
        notes = List.copyOf(notes);
    }
}
