package flux.capture;

import java.sql.SQLException;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Decides once whether a failure that reached capture from PostgreSQL, Kafka or Debezium can heal
 * by waiting ({@link CaptureException}). The call sites where such failures enter capture (the
 * streamer lock, the publication, the engine's end, the mutation log, Kafka's answers) pass them
 * here with what capture was doing; a failure that already is a {@link CaptureException},
 * anywhere in its cause chain, keeps its kind, so wrapping by Debezium changes nothing.
 *
 * <p>Only causes known to need an operator are permanent: the SQLSTATEs below and Kafka's
 * refusals. Debezium's own messages are not matched: its "invalid configuration" and "offset no
 * longer available" also follow a lost connection, and the conditions capture can check itself
 * are checked before the engine starts ({@code Prerequisites}).
 */
public final class FailureClassifier {
    /**
     * SQLSTATEs no retry cures: 3D000 no such database, 42501 insufficient privilege (also "permission
     * denied to start WAL sender" for a role without REPLICATION), 0A000 feature not supported and
     * 42601 syntax error (a server older than capture's SQL). Class 28 (invalid authorization:
     * password, pg_hba.conf, unknown role) is permanent as a whole. Everything else is retried, in
     * particular 08 (connection), 57P01-03 (server shutting down, crashed, starting), 53 (out of
     * connections or disk), 55006 (the slot is still in use by a walsender that is going away).
     */
    private static final Set<String> PERMANENT_STATES = Set.of("3D000", "42501", "0A000", "42601");
    private static final String PERMANENT_CLASS = "28";

    private FailureClassifier() {
    }

    /**
     * @param doing   what capture was doing, the start of the message ("cannot sync publication flux")
     * @param failure what went wrong; its chain is searched
     */
    public static CaptureException classify(String doing, Throwable failure) {
        for (Throwable t = failure; t != null; t = next(t)) {
            if (t instanceof CaptureException classified) {
                return classified;
            }
        }
        for (Throwable t = failure; t != null; t = next(t)) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String message = doing + ": " + describe(sql);
                return permanentState(sql.getSQLState()) ? new CaptureException.Permanent(message, failure)
                        : new CaptureException.Retriable(message, failure);
            }
            if (refusedByKafka(t)) {
                return new CaptureException.Permanent(doing + ": " + t.getClass().getSimpleName() + ": "
                        + t.getMessage(), failure);
            }
        }
        return new CaptureException.Retriable(doing + ": " + rootMessage(failure), failure);
    }

    private static boolean permanentState(String state) {
        return PERMANENT_STATES.contains(state) || state.startsWith(PERMANENT_CLASS);
    }

    /**
     * Kafka's refusals that the producer would meet again on every resend: ACLs, credentials, a record
     * larger than the broker takes, a topic name Kafka does not allow, and a malformed setting.
     * ConfigException is also how the producer reports bootstrap names that do not resolve (yet): a
     * broker still starting in a container, so that one is retried.
     */
    private static boolean refusedByKafka(Throwable t) {
        if (t instanceof ConfigException) {
            return t.getMessage() == null || !t.getMessage().contains("resolvable");
        }
        return t instanceof AuthorizationException || t instanceof AuthenticationException
                || t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException
                || t instanceof InvalidTopicException;
    }

    /** PostgreSQL's message on one line, with its detail and hint, and the SQLSTATE. */
    private static String describe(SQLException e) {
        ServerErrorMessage server = e instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
        StringBuilder out = new StringBuilder();
        if (server != null && server.getMessage() != null) {
            out.append(server.getMessage());
            if (server.getDetail() != null) {
                out.append(" (").append(server.getDetail()).append(')');
            }
            if (server.getHint() != null) {
                out.append(" Hint: ").append(server.getHint());
            }
        } else {
            out.append(String.valueOf(e.getMessage()).replaceAll("\\s*\\R\\s*", " "));
        }
        return out.append(" [SQLSTATE ").append(e.getSQLState()).append(']').toString();
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (next(t) != null) {
            t = next(t);
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static Throwable next(Throwable t) {
        Throwable cause = t.getCause();
        return cause == t ? null : cause;
    }
}
