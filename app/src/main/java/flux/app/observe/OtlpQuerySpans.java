package flux.app.observe;

import flux.observe.DbSpans;
import flux.query.QueryObserver;
import flux.query.QueryTrace;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Exports each statement as an OpenTelemetry span over OTLP/HTTP (protobuf), e.g. to a
 * collector at {@code http://localhost:4318/v1/traces}. The SDK's batch processor queues spans
 * (2048) and sends them from its own thread; when the queue is full spans are dropped, so a
 * slow or absent collector never slows a query. A statement's parent is the current span when
 * there is one; otherwise a span id standing for the request, in the trace whose id is derived
 * from the request id ({@link DbSpans#traceId}), so one request's statements share a trace.
 */
public final class OtlpQuerySpans implements QueryObserver, AutoCloseable {
    private final SdkTracerProvider provider;
    private final Tracer tracer;

    private OtlpQuerySpans(SdkTracerProvider provider) {
        this.provider = provider;
        this.tracer = provider.get("flux.query");
    }

    public static OtlpQuerySpans start(String endpoint) {
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(endpoint).build();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(
                        Attributes.of(AttributeKey.stringKey("service.name"), "flux"))))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                .build();
        return new OtlpQuerySpans(provider);
    }

    @Override
    public void onQuery(QueryTrace trace) {
        long start = TimeUnit.SECONDS.toNanos(trace.startedAt().getEpochSecond()) + trace.startedAt().getNano();
        SpanBuilder builder = tracer.spanBuilder(DbSpans.name(trace))
                .setSpanKind(SpanKind.CLIENT)
                .setParent(parent(trace.requestId()))
                .setStartTimestamp(start, TimeUnit.NANOSECONDS)
                .setAllAttributes(attributes(trace));
        Span span = builder.startSpan();
        if (trace.failed()) {
            span.setStatus(StatusCode.ERROR, trace.sqlState());
        }
        span.end(start + trace.durationNanos(), TimeUnit.NANOSECONDS);
    }

    private static Context parent(String requestId) {
        Context current = Context.current();
        if (Span.fromContext(current).getSpanContext().isValid()) {
            return current;
        }
        SpanContext request = SpanContext.createFromRemoteParent(DbSpans.traceId(requestId),
                DbSpans.requestSpanId(requestId), TraceFlags.getSampled(), TraceState.getDefault());
        return Context.root().with(Span.wrap(request));
    }

    private static Attributes attributes(QueryTrace trace) {
        AttributesBuilder b = Attributes.builder();
        for (Map.Entry<String, Object> a : DbSpans.attributes(trace).entrySet()) {
            if (a.getValue() instanceof Long) {
                b.put(a.getKey(), (Long) a.getValue());
            } else {
                b.put(a.getKey(), String.valueOf(a.getValue()));
            }
        }
        return b.build();
    }

    /** Sends what is queued (waiting up to 5 s) and stops. */
    @Override
    public void close() {
        provider.shutdown().join(5, TimeUnit.SECONDS);
    }
}
