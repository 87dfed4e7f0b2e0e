package flux.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.annotation.Nullable;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import flux.log.SchemaChange;

/**
 * A change to the shape of a row's table, shown among the row's history entries (docs/history.md):
 * what changed ({@code change}: {@code rename_column}, {@code add_column}, ...), when the journal
 * recorded it, the column or table names before and after, and the migration that made it.
 * Fields a change does not use are left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"id", "at", "change", "table", "old_table", "column", "old_column", "type", "old_type",
        "migration", "detected_by"})
public record SchemaEvent(long id, String at, String change, String table,
                          @Nullable @JsonProperty("old_table") String oldTable, @Nullable String column,
                          @Nullable @JsonProperty("old_column") String oldColumn, @Nullable String type,
                          @Nullable @JsonProperty("old_type") String oldType, @Nullable String migration,
                          @JsonProperty("detected_by") String detectedBy) {

    static SchemaEvent of(SchemaChange ch) {
        boolean columnLevel = ch.columnName() != null;
        return new SchemaEvent(ch.id(), ch.createdAt().toString(), ch.kind().stored(),
                new TableRef(ch.tableSchema(), ch.tableName()).display(),
                ch.oldTableName() == null ? null : new TableRef(ch.oldTableSchema(), ch.oldTableName()).display(),
                ch.columnName(), ch.oldColumnName(), columnLevel ? ch.columnType() : null, ch.oldColumnType(),
                ch.migration(), ch.recordedBy().stored());
    }
}
