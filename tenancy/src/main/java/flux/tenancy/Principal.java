package flux.tenancy;

/**
 * Who is calling: the tenant and role of an API key. {@link #OPEN} is the caller of a server
 * that runs without keys (the embedded default on loopback): no tenant, every right.
 */
public record Principal(String keyId, String tenantId, Role role) {
    public static final Principal OPEN = new Principal(null, null, Role.ADMIN);

    public boolean may(Role needed) {
        return role.includes(needed);
    }
}
