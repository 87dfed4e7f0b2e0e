package flux.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.history.HistoryDatabase.Row;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RowAsOfIT {
    private final HistoryDatabase db;

    RowAsOfIT(TestPostgres pg) throws SQLException {
        db = new HistoryDatabase(pg, "row_as_of",
                "CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, plan text NOT NULL)");
    }

    @AfterAll
    void close() {
        db.close();
    }

    @Test
    void theRowAtEachMomentIsTheLastCommittedImageUpToThen() throws SQLException {
        Row row = Row.of("users", "{\"id\": 1}");
        db.insert("i", row, "{\"id\": 1, \"email\": \"a@b.com\", \"plan\": \"free\"}");
        db.update("u1", row, "{\"plan\": \"pro\"}");
        db.update("u2", row, "{\"plan\": null}");
        db.update("u3", row, "{\"plan\": \"team\"}");
        db.delete("d", row);
        List<HistoryEntry> log = db.history.history("users", "1", new PageRequest(false, 10, null, null, null)).entries();
        Instant inserted = Instant.parse(log.get(0).at());
        Instant upgraded = Instant.parse(log.get(1).at());
        Instant attempted = Instant.parse(log.get(2).at());
        Instant teamed = Instant.parse(log.get(3).at());
        Instant deleted = Instant.parse(log.get(4).at());

        RowSnapshot beforeInsert = db.history.at("users", "1", inserted.minus(1, ChronoUnit.MICROS));
        assertThat(beforeInsert.exists()).isFalse();
        assertThat(beforeInsert.row()).isNull();
        assertThat(plan(db.history.at("users", "1", inserted))).isEqualTo("free");
        assertThat(plan(db.history.at("users", "1", upgraded.minus(1, ChronoUnit.MICROS)))).isEqualTo("free");
        assertThat(plan(db.history.at("users", "1", upgraded))).isEqualTo("pro");
        RowSnapshot afterAttempt = db.history.at("users", "1", attempted.plus(1, ChronoUnit.MICROS));
        assertThat(plan(afterAttempt)).as("a rolled-back attempt changes nothing").isEqualTo("pro");
        assertThat(afterAttempt.mutation().requestId()).isEqualTo("u1");
        assertThat(plan(db.history.at("users", "1", teamed))).isEqualTo("team");
        RowSnapshot gone = db.history.at("users", "1", deleted);
        assertThat(gone.exists()).isFalse();
        assertThat(gone.mutation().operation()).isEqualTo("DELETE");
        assertThat(db.history.at("users", "1", teamed).row().fieldNames()).toIterable()
                .containsExactly("id", "email", "plan");
    }

    @Test
    void anUnknownRowIsAnErrorAtAnyTime() {
        assertThatThrownBy(() -> db.history.at("users", "77", Instant.now()))
                .isInstanceOf(HistoryException.UnknownRow.class);
    }

    @Test
    void momentsParseIsoInstantsOffsetsAndLocalTimes() {
        java.time.ZoneId utc = java.time.ZoneOffset.UTC;
        assertThat(Moments.parse("2026-03-10T14:22:00Z", utc)).isEqualTo(Instant.parse("2026-03-10T14:22:00Z"));
        assertThat(Moments.parse("2026-03-10T15:22+01:00", utc)).isEqualTo(Instant.parse("2026-03-10T14:22:00Z"));
        assertThat(Moments.parse("2026-03-10 14:22", utc)).isEqualTo(Instant.parse("2026-03-10T14:22:00Z"));
        assertThat(Moments.parse("2026-03-10", utc)).isEqualTo(Instant.parse("2026-03-10T00:00:00Z"));
        assertThatThrownBy(() -> Moments.parse("yesterday", utc)).isInstanceOf(HistoryException.InvalidArgument.class);
    }

    private static String plan(RowSnapshot snapshot) {
        assertThat(snapshot.exists()).isTrue();
        return snapshot.row().get("plan").asText();
    }
}
