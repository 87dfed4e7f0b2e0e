package flux.app.capture;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import flux.capture.snapshot.Snapshot;

/** A snapshot as the API shows it: the stored row plus {@code progress} (0 to 1). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record SnapshotAnswer(String id, String schema, String table, String filter, int chunkSize, String status,
                      @JsonRawValue String lastKey, long rowsDone, long rowsEstimated, double progress, String error,
                      String createdAt, String updatedAt) {

    static SnapshotAnswer of(Snapshot s) {
        double progress = Snapshot.DONE.equals(s.status()) ? 1.0
                : s.rowsEstimated() == 0 ? 0.0 : Math.min(1.0, (double) s.rowsDone() / s.rowsEstimated());
        return new SnapshotAnswer(s.id(), s.schema(), s.table(), s.filter(), s.chunkSize(), s.status(), s.lastKey(),
                s.rowsDone(), s.rowsEstimated(), progress, s.error(), s.createdAt().toString(), s.updatedAt().toString());
    }
}
