package flux.app.http.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The answer of {@code GET /v1/whoami}; open mode has no key or tenant, and leaves them out. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record WhoAmI(String auth, @JsonProperty("key_id") String keyId, @JsonProperty("tenant_id") String tenantId,
              String role) {
}
