package flux.migrate;

import java.util.List;

/**
 * What {@code flux db import} recorded.
 *
 * @param table           the foreign ledger read, quoted ({@code public.schema_migrations})
 * @param applied         versioned files recorded as applied, by name
 * @param dirty           versioned files recorded dirty (the other tool marked them failed), by name
 * @param scripts         repeatable scripts recorded, by name
 * @param alreadyRecorded versions Flux's ledger had already, left as they were
 * @param warnings        what to check: files whose text differs from what the other tool applied
 */
public record ImportReport(ForeignLedger source, String table, List<String> applied, List<String> dirty,
                           List<String> scripts, int alreadyRecorded, List<String> warnings) {
    public ImportReport {
        applied = List.copyOf(applied);
        dirty = List.copyOf(dirty);
        scripts = List.copyOf(scripts);
        warnings = List.copyOf(warnings);
    }
}
