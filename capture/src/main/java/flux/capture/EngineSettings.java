package flux.capture;

/**
 * How much capture's engine gathers per step (docs/capture.md, "Configuration"): knobs that trade
 * per-event work against memory and latency, settable so that a drain can be measured with each.
 *
 * @param maxBatchSize  Debezium's {@code max.batch.size}: records handed to capture per poll at most;
 *                      a batch below it tells capture the queue ran dry (so it waits for Kafka then)
 * @param maxQueueSize  Debezium's {@code max.queue.size}: records decoded ahead of capture at most;
 *                      Debezium requires it above {@code maxBatchSize}
 * @param sendsInFlight capture's own batching: Kafka sends left awaiting acknowledgement while the
 *                      next batches are decoded (after a full batch only); 0 waits for every send
 * @throws CaptureException.Permanent for values Debezium or capture cannot honour
 */
public record EngineSettings(int maxBatchSize, int maxQueueSize, int sendsInFlight) {
    public static final EngineSettings DEFAULT = new EngineSettings(4096, 16384, 4);
    private static final int MAX_QUEUE = 1 << 20;
    private static final int MAX_SENDS_IN_FLIGHT = 64;

    public EngineSettings {
        if (maxBatchSize < 1 || maxQueueSize <= maxBatchSize || maxQueueSize > MAX_QUEUE) {
            throw new CaptureException.Permanent("engine batch and queue sizes must be 1 or more, the queue above the"
                    + " batch and at most " + MAX_QUEUE + ": batch " + maxBatchSize + ", queue " + maxQueueSize);
        }
        if (sendsInFlight < 0 || sendsInFlight > MAX_SENDS_IN_FLIGHT) {
            throw new CaptureException.Permanent("sends in flight must be 0 to " + MAX_SENDS_IN_FLIGHT + ": "
                    + sendsInFlight);
        }
    }
}
