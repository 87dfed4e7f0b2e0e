package flux.console.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.console.BackupFailed;
import java.time.Instant;

/**
 * The first line of a backup file (docs/tenant-backup.md): what it holds and whose it is.
 *
 * @param schema the tenant's schema for a schema tenant, null for a row tenant
 * @param rows   data rows in the file; {@code history} the mutation records
 */
public record BackupHeader(String tenant, String isolation, String schema, Instant createdAt, String postgres,
                           int tables, long rows, long ledger, long history) {
    static final String FORMAT = "flux-tenant-backup";
    static final int VERSION = 1;

    ObjectNode toJson(ObjectNode into) {
        into.put("format", FORMAT).put("version", VERSION).put("tenant", tenant).put("isolation", isolation)
                .put("schema", schema).put("created_at", createdAt.toString()).put("postgres", postgres);
        into.putObject("counts").put("tables", tables).put("rows", rows).put("ledger", ledger).put("history", history);
        return into;
    }

    static BackupHeader of(JsonNode json, String file) {
        if (json == null || !FORMAT.equals(json.path("format").asText())) {
            throw new BackupFailed(file + " is not a Flux tenant backup (its first line has no \"format\": \""
                    + FORMAT + "\")");
        }
        if (json.path("version").asInt() != VERSION) {
            throw new BackupFailed(file + " is a version " + json.path("version").asInt()
                    + " backup; this Flux reads version " + VERSION);
        }
        JsonNode counts = json.path("counts");
        return new BackupHeader(json.path("tenant").asText(), json.path("isolation").asText(),
                json.path("schema").isNull() ? null : json.path("schema").asText(),
                Instant.parse(json.path("created_at").asText()), json.path("postgres").asText(),
                counts.path("tables").asInt(), counts.path("rows").asLong(), counts.path("ledger").asLong(),
                counts.path("history").asLong());
    }
}
