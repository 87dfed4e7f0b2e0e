package flux.query.testing.workload;

import java.util.List;

/** One step of a workload, applied by a {@link Workload.Executor}: a request, a raw SQL transaction, or a capture restart. */
public sealed interface Step {

    /**
     * One request through the API: a single write, or several in one transaction (each on another
     * row). {@code failAt}: the index of the write made to violate a constraint (then it and the
     * ones before it are rolled-back attempts, the ones after never run), or -1. {@code callerAborts}:
     * the caller's code throws after the last write (engine only; HTTP has no caller code).
     */
    record Api(String requestId, List<Write> writes, int failAt, boolean callerAborts) implements Step {
        public Api {
            writes = List.copyOf(writes);
            if (failAt < -1 || failAt >= writes.size()) {
                throw new IllegalArgumentException("failAt " + failAt + " outside " + writes.size() + " writes");
            }
        }

        /** Whether the request commits (as generated). */
        public boolean commits() {
            return failAt < 0 && !callerAborts;
        }
    }

    /**
     * Writes with raw SQL, bypassing the API, in one transaction (each on another row): capture
     * finds them in the WAL and records them with {@code source = 'wal'}. {@code rollback}: the
     * client rolls the transaction back instead of committing (nothing may be recorded).
     */
    record Raw(List<Write> writes, boolean rollback) implements Step {
        public Raw {
            writes = List.copyOf(writes);
        }
    }

    /** Capture stops and starts again (it resumes from its stored offsets). */
    record CaptureRestart() implements Step {
    }
}
