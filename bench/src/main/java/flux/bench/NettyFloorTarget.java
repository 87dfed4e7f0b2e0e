package flux.bench;

import flux.query.QueryEngine;
import flux.query.QueryResult;
import flux.query.model.JsonCodec;
import flux.query.model.QueryJson;
import flux.query.model.RequestId;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * (n), the floor of (d): the same {@code POST /v1/query} body through the least an HTTP layer can
 * do, a bare Netty pipeline (HTTP/1.1 codec, body aggregation) whose one handler parses the body
 * with the engine's JSON reader, runs the query with the engine in-process, as (c) does, and
 * writes {@code {"request_id": ..., "rows": [...]}} with the rows as PostgreSQL rendered them.
 * No routing, filters, auth, limits, problem+json, observability or thread hop: the engine runs
 * on the connection's I/O thread, one I/O thread per client connection. The client is (d)'s
 * ({@link LeanHttpClient}), so (d) minus (n) is what Flux's HTTP layer costs above the floor.
 */
final class NettyFloorTarget implements WriteTarget {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel server;
    private final PerThreadHttpClients clients;

    NettyFloorTarget(QueryEngine engine, int maxClients) throws InterruptedException {
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(maxClients, NioIoHandler.newFactory());
        server = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new QueryHandler(engine));
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        clients = new PerThreadHttpClients(((InetSocketAddress) server.localAddress()).getPort());
    }

    @Override
    public void insert(long id) throws java.io.IOException {
        clients.post("/v1/query", HttpTarget.insertBody(id));
    }

    @Override
    public void update(long id, long value) throws java.io.IOException {
        clients.post("/v1/query", HttpTarget.updateBody(id, value));
    }

    @Override
    public void close() throws InterruptedException {
        clients.close();
        server.close().sync();
        boss.shutdownGracefully().sync();
        workers.shutdownGracefully().sync();
    }

    /** Parses, runs and answers one query; any failure is a 500 with its message (the bench then stops). */
    private static final class QueryHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final QueryEngine engine;

        QueryHandler(QueryEngine engine) {
            this.engine = engine;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response;
            try {
                RequestId id = RequestId.generate();
                QueryResult result = engine.query(id, QueryJson.read(JsonCodec.parse(request.content().toString(StandardCharsets.UTF_8))));
                StringBuilder json = new StringBuilder(256).append("{\"request_id\":\"").append(id.value()).append("\",\"rows\":[");
                for (int i = 0; i < result.rowsJson().size(); i++) {
                    json.append(i == 0 ? "" : ",").append(result.rowsJson().get(i));
                }
                response = answer(HttpResponseStatus.OK, json.append("]}").toString(), id.value());
            } catch (RuntimeException e) {
                response = answer(HttpResponseStatus.INTERNAL_SERVER_ERROR, String.valueOf(e), null);
            }
            ctx.writeAndFlush(response);
        }

        private static FullHttpResponse answer(HttpResponseStatus status, String body, String requestId) {
            ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
            if (requestId != null) {
                response.headers().set("X-Request-Id", requestId);
            }
            return response;
        }
    }
}
