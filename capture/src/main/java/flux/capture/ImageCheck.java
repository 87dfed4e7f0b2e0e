package flux.capture;

import flux.capture.verify.CrossCheck;
import flux.capture.verify.Discrepancy;
import flux.capture.wal.WalMutationRecord;
import flux.pg.DatabaseException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares paired changes' row images with their mutation records' images on a thread of its
 * own: reading the images is a query (tens of milliseconds on a busy server) that used to stall
 * the engine's polling thread, and its result only counts and logs mismatches, so nothing on
 * the way to Kafka or to the offsets waits for it. Batches queue in order; when
 * {@value #QUEUED_BATCHES} wait, {@link #submit} blocks (back-pressure during a backlog drain).
 *
 * <p>What that costs: a comparison still queued when capture stops (or crashes) after its
 * offsets were stored is not made; a query that fails is logged and its batch not compared
 * (the next batch reconnects). Mismatches are diagnostics; delivery does not depend on them.
 * One engine run's handler submits; {@link #close} drains for a bounded time and stops.
 */
final class ImageCheck implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ImageCheck.class);
    private static final int QUEUED_BATCHES = 16;
    private static final long DRAIN_MS = 5_000;

    private final String slot;
    private final CaptureStatus status;
    private final MutationLog images; // the worker's own; close() may abort it
    private final BlockingQueue<List<CrossCheck.Outgoing>> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
    private final Thread worker;
    private volatile boolean closing;

    ImageCheck(String slot, CaptureStatus status, MutationLog images) {
        this.slot = slot;
        this.status = status;
        this.images = images;
        this.worker = new Thread(this::run, "flux-capture-images-" + slot);
        this.worker.setDaemon(true);
    }

    /** Queues the paired changes of one batch (all with a record) for comparison. One thread calls it. */
    void submit(List<CrossCheck.Outgoing> paired) throws InterruptedException {
        if (paired.isEmpty()) {
            return;
        }
        if (worker.getState() == Thread.State.NEW) { // started on first use: an engine that never runs leaks no thread
            worker.start();
        }
        queue.put(paired);
    }

    private void run() {
        try {
            while (!closing || !queue.isEmpty()) {
                List<CrossCheck.Outgoing> batch = queue.poll(100, TimeUnit.MILLISECONDS);
                if (batch != null) {
                    try {
                        compare(batch);
                    } catch (RuntimeException e) { // a bug here must not stop the worker: submit would block
                        log.error("capture {}: image comparison failed", slot, e);
                    }
                }
            }
        } catch (InterruptedException e) {
            int left = queue.size();
            if (left > 0) {
                log.warn("capture {}: stopped with {} batch(es) of images not compared", slot, left);
            }
        } finally {
            images.close();
        }
    }

    private void compare(List<CrossCheck.Outgoing> paired) throws InterruptedException {
        List<WalMutationRecord> records = new ArrayList<>(paired.size());
        paired.forEach(p -> records.add(p.record()));
        List<WalMutationRecord> withImages;
        try {
            withImages = images.withImages(records);
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            log.warn("capture {}: images of {} mutation record(s) not compared: {}", slot,
                    records.size(), e.getMessage());
            return;
        }
        for (int i = 0; i < paired.size(); i++) {
            Discrepancy.ImageMismatch m = CrossCheck.compareImages(paired.get(i).change(), withImages.get(i));
            if (m != null) {
                status.mismatched.incrementAndGet();
                log.warn("cross-check: {}", m);
            }
        }
        status.imagesCompared.addAndGet(paired.size());
    }

    /**
     * Lets the queued comparisons finish for up to {@value #DRAIN_MS} ms, then stops the worker
     * (aborting its connection if a query still hangs).
     */
    @Override
    public void close() {
        closing = true;
        try {
            worker.join(DRAIN_MS);
            if (worker.isAlive()) {
                worker.interrupt();
                worker.join(DRAIN_MS);
            }
            if (worker.isAlive()) { // stuck in a query: an interrupt does not end a socket read
                images.abort();
            }
        } catch (InterruptedException e) {
            worker.interrupt();
            Thread.currentThread().interrupt();
        }
    }
}
