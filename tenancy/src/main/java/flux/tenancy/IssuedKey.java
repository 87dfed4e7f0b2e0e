package flux.tenancy;

/** A key just created: {@code token} is the only copy of the secret and is never stored. */
public record IssuedKey(ApiKey key, String token) {
}
