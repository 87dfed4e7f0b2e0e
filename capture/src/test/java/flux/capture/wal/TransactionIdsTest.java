package flux.capture.wal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TransactionIdsTest {

    @Test
    void xidNewerThanAStaleReferenceKeepsTheReferenceEpoch() {
        TransactionIds ids = new TransactionIds();
        ids.updateReference(797);
        assertThat(ids.toXid8(800)).isEqualTo(800);
        assertThat(ids.toXid8(790)).isEqualTo(790);
    }

    @Test
    void xidFromBeforeTheWrapTakesThePreviousEpoch() {
        TransactionIds ids = new TransactionIds();
        long epoch3 = 3L << 32;
        ids.updateReference(epoch3 + 10);
        assertThat(ids.toXid8(0xFFFFFFF0L)).isEqualTo(epoch3 - 16);
    }

    @Test
    void xidAfterTheWrapTakesTheNextEpoch() {
        TransactionIds ids = new TransactionIds();
        long epoch3 = 3L << 32;
        ids.updateReference(epoch3 + 0xFFFFFFF0L);
        assertThat(ids.toXid8(5)).isEqualTo((4L << 32) + 5);
    }

    @Test
    void withoutReferenceTheEpochIsZero() {
        assertThat(new TransactionIds().toXid8(42)).isEqualTo(42);
    }
}
