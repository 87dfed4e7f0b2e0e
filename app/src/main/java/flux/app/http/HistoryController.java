package flux.app.http;

import flux.history.Blame;
import flux.history.History;
import flux.history.HistoryPage;
import flux.history.Moments;
import flux.history.PageRequest;
import flux.history.RequestPage;
import flux.history.RowSnapshot;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.sql.SQLException;
import java.time.ZoneOffset;

/**
 * Row history over the mutation log (docs/history.md): {@code /v1/state/{table}/{id}/history},
 * {@code /blame}, {@code /at}, and {@code /v1/requests/{requestId}}. Thin: parses parameters,
 * calls {@link History}; its errors become problems in {@link HistoryProblemHandler}.
 * Times without an offset are read as UTC.
 */
@Controller("/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
final class HistoryController {
    private final History history;

    HistoryController(History history) {
        this.history = history;
    }

    @Get("/state/{table}/{id}/history")
    HistoryPage history(String table, String id, @Nullable @QueryValue String order, @Nullable @QueryValue String limit,
                        @Nullable @QueryValue String cursor, @Nullable @QueryValue String from,
                        @Nullable @QueryValue String to) throws SQLException {
        return history.history(table, id, PageRequest.parse(order, limit, cursor, from, to, ZoneOffset.UTC));
    }

    @Get("/state/{table}/{id}/blame")
    Blame blame(String table, String id) throws SQLException {
        return history.blame(table, id);
    }

    @Get("/state/{table}/{id}/at")
    RowSnapshot at(String table, String id, @Nullable @QueryValue String time) throws SQLException {
        return history.at(table, id, Moments.parse(time, ZoneOffset.UTC));
    }

    @Get("/requests/{requestId}")
    RequestPage request(String requestId, @Nullable @QueryValue String limit, @Nullable @QueryValue String cursor)
            throws SQLException {
        return history.request(requestId, PageRequest.limit(limit), cursor);
    }
}
