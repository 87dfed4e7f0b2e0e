package flux.capture.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the topics capture publishes to, so nothing relies on the broker's
 * {@code auto.create.topics.enable}: a topic missing is created with the {@link TopicSettings}; one
 * that exists is left as it is (a partition count below the setting is reported, never altered: more
 * partitions would move keys to other partitions). Each topic is checked once per instance;
 * {@link #ensure(String)} costs a set lookup after that, so the sending path calls it for every record.
 * Thread-safe (the streaming thread and the publication's sync call it).
 */
public final class KafkaTopics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaTopics.class);
    /** Bounded, so a broker that is away surfaces as a failed send (retried) rather than a hang. */
    private static final long TIMEOUT_MS = 10_000;

    /** What a check found, for the log and for tests. */
    public record Report(List<String> created, List<String> found, Map<String, Integer> fewerPartitions) {
    }

    private final String bootstrap;
    private final TopicSettings settings;
    private final Set<String> ready = ConcurrentHashMap.newKeySet();
    private Admin admin;

    public KafkaTopics(String bootstrap, TopicSettings settings) {
        this.bootstrap = bootstrap;
        this.settings = settings;
    }

    /** The topics every capture uses, whatever it tracks. */
    public static List<String> fixed() {
        return List.of(TopicNames.ROLLED_BACK, TopicNames.SCHEMA_CHANGES, TopicNames.TRANSACTIONS);
    }

    /**
     * Makes sure the topic exists before a record goes to it.
     *
     * @throws org.apache.kafka.common.KafkaException when Kafka cannot say or refuses (a topic name it
     *                                                 does not allow): the send fails and is retried or
     *                                                 classified like any other
     */
    public void ensure(String topic) {
        if (!ready.contains(topic)) {
            ensureAll(List.of(topic));
        }
    }

    /** Makes sure every topic named exists (one round trip for all that were not checked yet); logs what it found. */
    public synchronized Report ensureAll(Collection<String> topics) {
        List<String> unknown = topics.stream().filter(t -> !ready.contains(t)).distinct().toList();
        if (unknown.isEmpty()) {
            return new Report(List.of(), List.of(), Map.of());
        }
        try {
            Map<String, TopicDescription> existing = describeExisting(unknown);
            List<String> created = new ArrayList<>();
            List<String> found = new ArrayList<>();
            Map<String, Integer> fewer = new java.util.TreeMap<>();
            for (String topic : unknown) {
                TopicDescription d = existing.get(topic);
                if (d == null) {
                    if (create(topic)) {
                        created.add(topic);
                    } else {
                        found.add(topic);
                    }
                } else {
                    found.add(topic);
                    if (d.partitions().size() < settings.partitions()) {
                        fewer.put(topic, d.partitions().size());
                    }
                }
                ready.add(topic);
            }
            Report report = new Report(created, found, fewer);
            log(report);
            return report;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r
                    : new org.apache.kafka.common.KafkaException(e.getCause());
        } catch (TimeoutException e) {
            throw new org.apache.kafka.common.errors.TimeoutException("Kafka did not answer about topics " + unknown, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(e);
        }
    }

    private Map<String, TopicDescription> describeExisting(List<String> topics)
            throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> listed = admin().listTopics().names().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        List<String> present = topics.stream().filter(listed::contains).toList();
        if (present.isEmpty()) {
            return Map.of();
        }
        return admin().describeTopics(present).allTopicNames().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    /** False when another client created it meanwhile. */
    private boolean create(String topic) throws ExecutionException, InterruptedException, TimeoutException {
        NewTopic t = new NewTopic(topic, Optional.of(settings.partitions()), Optional.ofNullable(settings.replicationFactor()));
        if (settings.retentionMs() != null) {
            t.configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(settings.retentionMs())));
        }
        try {
            admin().createTopics(List.of(t)).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw e;
        }
    }

    private void log(Report report) {
        if (!report.created().isEmpty()) {
            log.info("created topics {} ({} partition(s), replication factor {}, retention {})", report.created(),
                    settings.partitions(), settings.replicationFactor() == null ? "broker default" : settings.replicationFactor(),
                    settings.retentionMs() == null ? "broker default" : settings.retentionMs() + " ms");
        }
        if (!report.found().isEmpty()) {
            log.info("found topics {}", report.found());
        }
        report.fewerPartitions().forEach((topic, n) -> log.warn("topic {} has {} partition(s), fewer than the {}"
                + " configured (flux.capture.topic.partitions); left as it is: adding partitions moves keys",
                topic, n, settings.partitions()));
    }

    private Admin admin() {
        if (admin == null) {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(AdminClientConfig.CLIENT_ID_CONFIG, "flux-capture-topics");
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS);
            p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS);
            admin = Admin.create(p);
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(5));
            admin = null;
        }
    }
}
