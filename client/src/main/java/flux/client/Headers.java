package flux.client;

/** Kafka header names Flux sets on its messages. Values are UTF-8 text. */
public final class Headers {
    /** The request that made the change ({@code request_id}), on change, rolled-back and transaction messages. */
    public static final String REQUEST_ID = "flux-request-id";
    /** The change's tenant, when it has one. */
    public static final String TENANT_ID = "flux-tenant-id";
    /** {@code <commit_lsn>:<tx_position>}: unique per change; the key a consumer dedupes on. Not on snapshot messages. */
    public static final String IDEMPOTENCY_KEY = "flux-idempotency-key";
    /** The change's position in its transaction ({@code tx_position}), as decimal text. */
    public static final String TX_POSITION = "flux-tx-position";

    private Headers() {
    }
}
