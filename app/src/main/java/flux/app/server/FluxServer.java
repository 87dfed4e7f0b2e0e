package flux.app.server;

import flux.app.capture.CaptureRunner;
import flux.app.http.auth.AuthMode;
import flux.capture.StartTimeline;
import flux.history.BlameFolder;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.server.netty.NettyEmbeddedServer;
import java.net.BindException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Flux server: its backends, the Micronaut context and the HTTP server.
 * {@link #close()} stops them in order, each part after everything that uses it, and is safe to
 * call twice (from the shutdown hook and from a failed start).
 */
public final class FluxServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FluxServer.class);
    /** How long requests in flight get to finish when the server stops (beyond it they are cut). */
    static final Duration REQUEST_GRACE = Duration.ofSeconds(15);

    private final Backends backends;
    private final ApplicationContext context;
    private final NettyEmbeddedServer server;
    private boolean closed;

    private FluxServer(Backends backends, ApplicationContext context, NettyEmbeddedServer server) {
        this.backends = backends;
        this.context = context;
        this.server = server;
    }

    public static FluxServer start(ServeSettings settings, String host, AuthMode authMode) {
        Backends backends = Backends.start(settings);
        ApplicationContext context = null;
        try {
            long contextFrom = StartTimeline.sinceJvmStart();
            context = ApplicationContext.builder()
                    .mainClass(FluxServer.class)
                    .banner(false)
                    .deduceEnvironment(false)
                    .properties(properties(settings, host, authMode, backends))
                    .start();
            prepareCapture(context, contextFrom);
            long httpFrom = StartTimeline.sinceJvmStart();
            NettyEmbeddedServer server = context.getBean(NettyEmbeddedServer.class);
            server.start();
            context.findBean(CaptureRunner.class).ifPresent(runner -> runner.httpStarted(httpFrom));
            return new FluxServer(backends, context, server);
        } catch (RuntimeException e) {
            if (context != null) {
                context.close();
            }
            backends.close();
            if (causedBy(e, BindException.class)) {
                throw StartupFailure.portInUse(settings.httpPort());
            }
            throw e;
        }
    }

    /**
     * Between the context's start (flux schema, migrations) and HTTP's: capture's slot and publication
     * exist before the first write can be acknowledged, and capture streams from then on, beside HTTP's
     * start (docs/capture.md, "Start-up").
     */
    public static void prepareCapture(ApplicationContext context) {
        prepareCapture(context, -1);
    }

    /** As {@link #prepareCapture(ApplicationContext)}; the context began to start at {@code contextFromMs} (ms since the JVM started). */
    private static void prepareCapture(ApplicationContext context, long contextFromMs) {
        context.findBean(CaptureRunner.class).ifPresent(runner -> runner.prepare(contextFromMs));
    }

    public Backends backends() {
        return backends;
    }

    public String httpUrl() {
        return "http://" + server.getHost() + ":" + server.getPort();
    }

    public ApplicationContext context() {
        return context;
    }

    /**
     * Stops in order, each part after everything that uses it: HTTP first (no new requests; those
     * in flight finish, up to {@link #REQUEST_GRACE}), then capture (its engine stops and commits
     * the offsets of what Kafka acknowledged, so a restart replays nothing), the blame folder, the
     * rest of the context (observers, listeners, the pool), and last the embedded Kafka and
     * PostgreSQL. Nothing is left using a part when it stops, so a clean stop logs no warning.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("stopping flux");
        try {
            stopHttp();
            context.findBean(CaptureRunner.class).ifPresent(CaptureRunner::stop);
            context.findBean(BlameFolder.class).ifPresent(BlameFolder::close);
            context.close();
        } finally {
            backends.close();
        }
        log.info("flux stopped");
    }

    private void stopHttp() {
        try {
            server.shutdownGracefully().toCompletableFuture().get(REQUEST_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.info("requests still in flight after {} s are cut off", REQUEST_GRACE.toSeconds());
        } catch (ExecutionException e) {
            log.info("HTTP did not wind down gracefully ({}); stopping it", e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stopServerOnly();
        log.info("HTTP stopped");
    }

    private static Map<String, Object> properties(ServeSettings settings, String host, AuthMode authMode,
                                                  Backends backends) {
        Map<String, Object> p = new HashMap<>();
        p.put("micronaut.application.name", "flux");
        p.put("micronaut.server.port", settings.httpPort());
        p.put("micronaut.server.host", host);
        p.put("flux.auth.mode", authMode.label());
        p.put("flux.database.jdbc-url", backends.database().jdbcUrl());
        if (backends.database().user() != null) {
            p.put("flux.database.username", backends.database().user());
        }
        if (backends.database().password() != null) {
            p.put("flux.database.password", backends.database().password());
        }
        p.put("flux.kafka.bootstrap-servers", backends.kafkaBootstrap());
        return p;
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
