package flux.history.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Counts the shared buffers the statements of one read touch: a {@link DataSource} whose
 * prepared statements remember their SQL and parameters, and which afterwards runs each again
 * under {@code EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)} and sums the plan's shared hit and read
 * blocks. Buffers, unlike time, do not depend on the machine's load: a read whose cost grows with
 * a row's history length reads more of them, every time. Test code only; not thread-safe.
 */
final class BufferCounter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource target;
    private final List<Executed> executed = new ArrayList<>();

    BufferCounter(DataSource target) {
        this.target = target;
    }

    /** A statement as it ran: its text and its parameters by index. */
    private record Executed(String sql, Map<Integer, Object> params) {
    }

    /** The data source to hand the code under test: its statements are recorded. */
    DataSource recording() {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(target, method, args);
                    return method.getName().equals("getConnection") ? connection((Connection) result) : result;
                });
    }

    /** Forgets what was recorded. */
    void reset() {
        executed.clear();
    }

    /** The shared buffers (hit + read) that the statements recorded since {@link #reset} touch when run again. */
    long buffers() throws SQLException {
        long total = 0;
        try (Connection c = target.getConnection()) {
            for (Executed e : executed) {
                total += explain(c, e);
            }
        }
        return total;
    }

    /** How many statements were recorded since {@link #reset}. */
    int statements() {
        return executed.size();
    }

    private static long explain(Connection c, Executed e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + e.sql())) {
            for (Map.Entry<Integer, Object> p : e.params().entrySet()) {
                ps.setObject(p.getKey(), p.getValue());
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                JsonNode plan = JSON.readTree(rs.getString(1)).get(0).get("Plan");
                return plan.get("Shared Hit Blocks").asLong() + plan.get("Shared Read Blocks").asLong();
            } catch (com.fasterxml.jackson.core.JsonProcessingException x) {
                throw new IllegalStateException("unreadable plan of " + e.sql(), x);
            }
        }
    }

    private Connection connection(Connection real) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    return method.getName().equals("prepareStatement") && args.length >= 1
                            ? statement((PreparedStatement) result, (String) args[0]) : result;
                });
    }

    private PreparedStatement statement(PreparedStatement real, String sql) {
        Map<Integer, Object> params = new TreeMap<>();
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if (name.startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer index) {
                params.put(index, args[1]);
            }
            if (name.equals("executeQuery") || name.equals("execute")) {
                executed.add(new Executed(sql, new TreeMap<>(params)));
            }
            return invoke(real, method, args);
        };
        return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, handler);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
