package flux.tenancy;

import java.util.List;
import java.util.Optional;

/**
 * Where API keys are kept ({@code flux.api_keys}, DDL in the flux schema): the storage
 * {@link ApiKeyStore} needs, implemented outside this module (in app, by a Micronaut Data
 * repository). Only hashes are stored, never tokens. Calls join the caller's transaction when
 * the implementation has one; storage failures are unchecked, as the implementation throws them.
 */
public interface ApiKeyRecords {

    /**
     * Stores a new, valid key unless a key with its id exists (ids are random: a clash is rare).
     *
     * @return the key as stored, with the database's creation time; empty when the id was taken
     */
    Optional<ApiKey> insertUnlessTaken(String id, byte[] secretHash, String tenantId, Role role, String name);

    /** Every key, revoked ones too, oldest first (by creation time, then id). */
    List<ApiKey> all();

    /** Marks a key revoked now, unless it already was (its first revocation stands); empty when no key has that id. */
    Optional<ApiKey> revoke(String id);

    /** The key with that id and the SHA-256 of its token, for authentication; empty when there is none. */
    Optional<StoredKey> find(String id);

    /** A key and the hash of its token. */
    record StoredKey(ApiKey key, byte[] secretHash) {
    }
}
