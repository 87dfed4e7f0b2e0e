package flux.app.http;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deadline for receiving each HTTP/1 request whole, head and body: a client that starts a
 * request and then stalls, or trickles it a byte at a time, is disconnected once
 * {@code flux.http.request-read-timeout} (default 30 s; 0: none) has passed since its first byte.
 * Micronaut's idle timeouts cannot do this: a read-idle event closes nothing, and a trickling
 * client is never idle. Only the reading is bounded: once the request is complete, the time the
 * server takes to answer it is the statement timeout's business, and a keep-alive connection
 * between requests is the idle timeout's ({@code micronaut.server.idle-timeout}).
 *
 * <p>Two handlers per connection share one deadline: one before the HTTP codec starts it at the
 * first byte of a request, one after the codec ends it at the request's last content. Both run on
 * the connection's event loop, so the state needs no locking. A stalled request never reaches a
 * controller (bodies are read whole first), so it ties up no request thread meanwhile; this bounds
 * the connections and buffers it can hold.
 */
@Singleton
final class RequestReadDeadline implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {
    private static final Logger log = LoggerFactory.getLogger(RequestReadDeadline.class);

    private final long timeoutNanos;

    RequestReadDeadline(@Value("${flux.http.request-read-timeout:30s}") Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("flux.http.request-read-timeout cannot be negative: " + timeout);
        }
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        if (timeoutNanos > 0) {
            event.getBean().register(new Customizer(null));
        }
        return event.getBean();
    }

    private final class Customizer implements NettyServerCustomizer {
        private final Channel connection;

        Customizer(Channel connection) {
            this.connection = connection;
        }

        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            return role == ChannelRole.CONNECTION ? new Customizer(channel) : this;
        }

        @Override
        public void onStreamPipelineBuilt() {
            // HTTP/1 only: with HTTP/2 the codec has another name and streams their own pipelines.
            if (connection == null || connection.pipeline().get(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC) == null) {
                return;
            }
            Deadline deadline = new Deadline();
            connection.pipeline().addBefore(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC,
                    "flux-request-started", deadline.started);
            connection.pipeline().addAfter(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC,
                    "flux-request-read", deadline.read);
        }
    }

    /**
     * One connection's deadline, running while a request is partly received. A request that
     * arrives whole in one read (the usual case) is done before the read returns and never
     * schedules a timer.
     */
    private final class Deadline {
        private boolean receiving;
        private long startedNanos;
        private ScheduledFuture<?> pending;

        final ChannelInboundHandlerAdapter started = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (!receiving && msg instanceof ByteBuf bytes && bytes.isReadable()) {
                    receiving = true;
                    startedNanos = System.nanoTime();
                }
                ctx.fireChannelRead(msg); // the codec decodes, and "read" below may end the request
                if (receiving && pending == null) {
                    long left = timeoutNanos - (System.nanoTime() - startedNanos);
                    pending = ctx.executor().schedule(() -> expire(ctx), Math.max(left, 0), TimeUnit.NANOSECONDS);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                end();
                ctx.fireChannelInactive();
            }
        };

        final ChannelInboundHandlerAdapter read = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof LastHttpContent) {
                    end();
                }
                ctx.fireChannelRead(msg);
            }
        };

        private void expire(ChannelHandlerContext ctx) {
            pending = null;
            if (receiving) {
                log.debug("closing {}: a request was not received whole within {} ms", ctx.channel().remoteAddress(),
                        TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
                ctx.close();
            }
        }

        private void end() {
            receiving = false;
            if (pending != null) {
                pending.cancel(false);
                pending = null;
            }
        }
    }
}
