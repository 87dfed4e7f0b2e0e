package flux.capture.verify;

import flux.capture.wal.WalChange;
import flux.capture.wal.WalMutationRecord;
import java.util.List;

/** What the cross-check found wrong between the WAL and the mutation log of one transaction. */
public sealed interface Discrepancy {

    /** A committed API record whose row change is not in the transaction's WAL. */
    record MissingChange(long xid, WalMutationRecord record) implements Discrepancy {
        @Override
        public String toString() {
            return "mutation record " + record.id() + " (" + record.operation() + " " + record.qualifiedName()
                    + " row " + record.rowId() + ", request " + record.requestId() + ") has no WAL change in transaction "
                    + xid;
        }
    }

    /** A change paired with its record whose images disagree in the named columns. */
    record ImageMismatch(WalChange change, WalMutationRecord record, List<String> columns) implements Discrepancy {
        @Override
        public String toString() {
            return "mutation record " + record.id() + " (" + record.operation() + " " + record.qualifiedName()
                    + " row " + record.rowId() + ") differs from the WAL at " + Long.toUnsignedString(change.lsn())
                    + " in columns " + columns;
        }
    }
}
