package flux.capture.kafka;

import flux.capture.CaptureException;

/**
 * How capture makes the topics it publishes to (docs/capture.md, "Topics").
 *
 * @param partitions        partitions of a topic capture creates (1 or more)
 * @param replicationFactor replicas of a topic capture creates; null for the broker's
 *                          {@code default.replication.factor}
 * @param retentionMs       {@code retention.ms} of a topic capture creates (-1: keep forever); null
 *                          for the broker's {@code log.retention.*}
 * @throws CaptureException.Permanent for a value Kafka would refuse
 */
public record TopicSettings(int partitions, Short replicationFactor, Long retentionMs) {
    /** One partition, the broker's replication and retention: what auto-create gave before. */
    public static final TopicSettings DEFAULT = new TopicSettings(1, null, null);

    public TopicSettings {
        if (partitions < 1) {
            throw new CaptureException.Permanent("topic partitions must be 1 or more: " + partitions);
        }
        if (replicationFactor != null && replicationFactor < 1) {
            throw new CaptureException.Permanent("topic replication factor must be 1 or more: " + replicationFactor);
        }
        if (retentionMs != null && retentionMs < -1) {
            throw new CaptureException.Permanent("topic retention must be -1 (forever) or more milliseconds: "
                    + retentionMs);
        }
    }
}
