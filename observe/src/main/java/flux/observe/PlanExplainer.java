package flux.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import flux.pg.DatabaseException;
import flux.pg.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the planner's plan of a traced statement, never executing it: plain {@code EXPLAIN}
 * (no ANALYZE, so writes are not run again), in a read-only transaction with a statement
 * timeout, on a connection of its own from the pool, and always rolled back.
 *
 * <p>It shows the generic plan of the parameterized text, the plan that does not depend on
 * particular values: {@code PREPARE} of the text (placeholders as {@code $n}), then
 * {@code EXPLAIN EXECUTE} with NULLs under {@code plan_cache_mode = force_generic_plan}. That is
 * the plan {@code EXPLAIN (GENERIC_PLAN)} (PostgreSQL 16+) prints, but reachable over JDBC:
 * GENERIC_PLAN needs the simple query protocol, and pgjdbc's extended protocol either rejects
 * the unbound {@code $n} (08P01, which also makes the pool drop the connection) or binds values
 * the planner then folds in. It works from PostgreSQL 12. When the text does not prepare (a
 * placeholder whose type nothing fixes), it explains the statement with the values it ran with.
 */
public final class PlanExplainer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(PlanExplainer.class);
    private static final String TIMEOUT = "SET LOCAL statement_timeout = 5000";
    private static final String PREPARED = "flux_observe_plan";

    private final DataSource dataSource;

    public PlanExplainer(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The plan as text, one line per node; {@link ObserveException} when the database cannot give it. */
    public String text(String sql, List<Object> parameters) {
        try {
            return explain(sql, parameters, "FORMAT TEXT", false);
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            throw new ObserveException(e);
        }
    }

    /**
     * The plan as EXPLAIN's JSON (an array with one object holding {@code Plan});
     * {@link ObserveException} when the database cannot give it.
     */
    public JsonNode json(String sql, List<Object> parameters) {
        try {
            String text = explain(sql, parameters, "FORMAT JSON, VERBOSE", true);
            try {
                return JSON.readTree(text);
            } catch (java.io.IOException e) {
                throw new SQLException("EXPLAIN returned JSON that does not parse: " + e.getMessage(), e);
            }
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            throw new ObserveException(e);
        }
    }

    private String explain(String sql, List<Object> parameters, String options, boolean oneValue) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            AtomicBoolean prepared = new AtomicBoolean();
            try {
                return Transactions.rollBackAfter(c, x -> {
                    begin(x);
                    try {
                        prepared.set(prepare(x, sql));
                        return generic(x, options, oneValue);
                    } catch (SQLException e) {
                        // e.g. a placeholder whose type the text does not fix: explain with the values instead.
                        log.debug("no generic plan ({}), explaining with the values", e.getMessage());
                        x.rollback();
                        begin(x);
                    }
                    return withValues(x, sql, parameters, options, oneValue);
                });
            } finally {
                if (prepared.get()) {
                    // Prepared statements outlive transactions: leave none on a pooled connection.
                    try (Statement st = c.createStatement()) {
                        st.execute("DEALLOCATE " + PREPARED);
                    }
                }
            }
        }
    }

    private static void begin(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET TRANSACTION READ ONLY");
            st.execute(TIMEOUT);
            st.execute("SET LOCAL plan_cache_mode = force_generic_plan");
        }
    }

    private static boolean prepare(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("PREPARE " + PREPARED + " AS " + dollarPlaceholders(sql));
        }
        return true;
    }

    /** EXPLAIN EXECUTE of the prepared statement with NULLs: under force_generic_plan the values are not used. */
    private static String generic(Connection c, String options, boolean oneValue) throws SQLException {
        int count;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce(cardinality(parameter_types), 0) FROM pg_prepared_statements"
                     + " WHERE name = '" + PREPARED + "'")) {
            count = rs.next() ? rs.getInt(1) : 0;
        }
        StringBuilder args = new StringBuilder();
        for (int i = 0; i < count; i++) {
            args.append(i == 0 ? "(" : ", ").append("NULL");
        }
        if (count > 0) {
            args.append(')');
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("EXPLAIN (" + options + ") EXECUTE " + PREPARED + args)) {
            return read(rs, oneValue);
        }
    }

    private static String withValues(Connection c, String sql, List<Object> parameters, String options,
                                     boolean oneValue) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN (" + options + ") " + questionPlaceholders(sql))) {
            List<Object> ordered = orderedValues(sql, parameters);
            for (int i = 0; i < ordered.size(); i++) {
                bind(c, ps, i + 1, ordered.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                return read(rs, oneValue);
            }
        }
    }

    private static String read(ResultSet rs, boolean oneValue) throws SQLException {
        StringBuilder plan = new StringBuilder();
        while (rs.next()) {
            if (plan.length() > 0) {
                plan.append('\n');
            }
            plan.append(rs.getString(1));
            if (oneValue) {
                break;
            }
        }
        return plan.toString();
    }

    private static void bind(Connection c, PreparedStatement ps, int index, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.NULL);
        } else if (value instanceof String[]) {
            ps.setArray(index, c.createArrayOf("text", (String[]) value));
        } else if (value instanceof List) {
            List<?> list = (List<?>) value;
            String[] texts = new String[list.size()];
            for (int i = 0; i < texts.length; i++) {
                texts[i] = list.get(i) == null ? null : list.get(i).toString();
            }
            ps.setArray(index, c.createArrayOf("text", texts));
        } else {
            ps.setObject(index, value);
        }
    }

    /** {@code ?} placeholders (outside quotes) numbered {@code $1, $2, ...}; {@code $n} text is kept. */
    static String dollarPlaceholders(String sql) {
        StringBuilder out = new StringBuilder(sql.length() + 8);
        int[] question = {0};
        forEachPlaceholder(sql, out, (b, dollarNumber) -> b.append('$')
                .append(dollarNumber > 0 ? dollarNumber : ++question[0]));
        return out.toString();
    }

    /** {@code $n} placeholders as JDBC {@code ?}s; see {@link #orderedValues}. */
    static String questionPlaceholders(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        forEachPlaceholder(sql, out, (b, dollarNumber) -> b.append('?'));
        return out.toString();
    }

    /** The values in the order the {@code ?}s of {@link #questionPlaceholders} appear ({@code $2 ... $1} reorders). */
    static List<Object> orderedValues(String sql, List<Object> parameters) {
        List<Object> ordered = new ArrayList<>();
        int[] question = {0};
        forEachPlaceholder(sql, new StringBuilder(), (b, dollarNumber) -> {
            int index = dollarNumber > 0 ? dollarNumber - 1 : question[0]++;
            ordered.add(index < parameters.size() ? parameters.get(index) : null);
        });
        return ordered;
    }

    private interface PlaceholderSink {
        /** {@code dollarNumber} is n for {@code $n}, 0 for {@code ?}. */
        void placeholder(StringBuilder out, int dollarNumber);
    }

    /** Copies {@code sql} to {@code out}, handing each placeholder outside quotes to {@code sink}. */
    private static void forEachPlaceholder(String sql, StringBuilder out, PlaceholderSink sink) {
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int end = i + 1;
                while (end < sql.length() && !(sql.charAt(end) == c && (end + 1 >= sql.length() || sql.charAt(end + 1) != c))) {
                    end += sql.charAt(end) == c ? 2 : 1;
                }
                end = Math.min(end + 1, sql.length());
                out.append(sql, i, end);
                i = end;
            } else if (c == '?') {
                sink.placeholder(out, 0);
                i++;
            } else if (c == '$' && i + 1 < sql.length() && Character.isDigit(sql.charAt(i + 1))
                    && (i == 0 || !Character.isLetterOrDigit(sql.charAt(i - 1)))) {
                int end = i + 1;
                while (end < sql.length() && Character.isDigit(sql.charAt(end))) {
                    end++;
                }
                sink.placeholder(out, Integer.parseInt(sql.substring(i + 1, end)));
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
    }
}
