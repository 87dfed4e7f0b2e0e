package flux.dev;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The data directory of the embedded default ({@code .flux/}): Postgres under {@code pg/},
 * Kafka under {@code kafka/}. Holding it means holding an OS file lock on {@code flux.lock},
 * which the kernel releases even when the owner is killed with -9. So a held lock means
 * another live server; a free lock with a running postgres or Kafka means orphans.
 */
public final class FluxHome implements AutoCloseable {
    private final Path root;
    private final FileChannel channel;
    private final FileLock lock;

    private FluxHome(Path root, FileChannel channel, FileLock lock) {
        this.root = root;
        this.channel = channel;
        this.lock = lock;
    }

    public static FluxHome acquire(Path root) {
        Path dir = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DevServiceException("cannot create data directory " + dir + ": " + describe(e));
        }
        if (!Files.isWritable(dir)) {
            throw new DevServiceException("data directory " + dir + " is not writable");
        }
        Path lockFile = dir.resolve("flux.lock");
        try {
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException sameJvm) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                String owner = Files.readString(lockFile, StandardCharsets.UTF_8).trim();
                throw new DevServiceException("data directory " + dir + " is in use by another flux process"
                        + (owner.isEmpty() ? "" : " (pid " + owner + ")"));
            }
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap(
                    Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
            return new FluxHome(dir, channel, lock);
        } catch (IOException e) {
            throw new DevServiceException("cannot lock data directory " + dir + ": " + describe(e));
        }
    }

    public Path root() {
        return root;
    }

    public Path postgresDir() {
        return root.resolve("pg");
    }

    public Path kafkaDir() {
        return root.resolve("kafka");
    }

    /** Where a running server tells CLI commands ({@code flux db ...}) its database: one JDBC URL line. */
    public static Path databaseUrlFile(Path root) {
        return root.toAbsolutePath().normalize().resolve("database.url");
    }

    public void publishDatabaseUrl(String jdbcUrl) {
        try {
            Files.writeString(databaseUrlFile(root), jdbcUrl + "\n");
        } catch (IOException e) {
            throw new DevServiceException("cannot write " + databaseUrlFile(root) + ": " + describe(e));
        }
    }

    public void withdrawDatabaseUrl() {
        try {
            Files.deleteIfExists(databaseUrlFile(root));
            Files.deleteIfExists(kafkaBootstrapFile(root));
        } catch (IOException ignored) {
            // a stale file names a stopped server; the CLI then reports it unreachable
        }
    }

    /** Where a running server tells CLI commands ({@code flux tail}) its embedded Kafka: one bootstrap line. */
    public static Path kafkaBootstrapFile(Path root) {
        return root.toAbsolutePath().normalize().resolve("kafka.bootstrap");
    }

    public void publishKafkaBootstrap(String bootstrapServers) {
        try {
            Files.writeString(kafkaBootstrapFile(root), bootstrapServers + "\n");
        } catch (IOException e) {
            throw new DevServiceException("cannot write " + kafkaBootstrapFile(root) + ": " + describe(e));
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the kernel drops the lock with the process anyway
        }
    }

    static String describe(IOException e) {
        // NIO messages are often just the path; the exception type says what went wrong.
        String kind = e.getClass().getSimpleName();
        if (kind.equals("AccessDeniedException")) {
            return "permission denied";
        }
        if (kind.equals("FileSystemException") || kind.equals("NotDirectoryException")
                || kind.equals("FileAlreadyExistsException")) {
            String reason = ((java.nio.file.FileSystemException) e).getReason();
            return reason != null ? reason : kind;
        }
        return e.getMessage() == null ? kind : e.getMessage();
    }
}
