package flux.app.server;

import flux.app.http.auth.AuthMode;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.BindException;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Flux server: its backends, the Micronaut context and the HTTP server.
 * {@link #close()} stops them in reverse order of start and is safe to call twice
 * (from the shutdown hook and from a failed start).
 */
public final class FluxServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FluxServer.class);

    private final Backends backends;
    private final ApplicationContext context;
    private final EmbeddedServer server;
    private boolean closed;

    private FluxServer(Backends backends, ApplicationContext context, EmbeddedServer server) {
        this.backends = backends;
        this.context = context;
        this.server = server;
    }

    public static FluxServer start(ServeSettings settings, String host, AuthMode authMode) {
        Backends backends = Backends.start(settings);
        ApplicationContext context = null;
        try {
            context = ApplicationContext.builder()
                    .mainClass(FluxServer.class)
                    .banner(false)
                    .deduceEnvironment(false)
                    .properties(properties(settings, host, authMode, backends))
                    .start();
            EmbeddedServer server = context.getBean(EmbeddedServer.class);
            server.start();
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

    public Backends backends() {
        return backends;
    }

    public String httpUrl() {
        return "http://" + server.getHost() + ":" + server.getPort();
    }

    public ApplicationContext context() {
        return context;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("stopping flux");
        try {
            context.close();
        } finally {
            backends.close();
        }
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
