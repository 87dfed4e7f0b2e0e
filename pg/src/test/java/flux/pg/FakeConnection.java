package flux.pg;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Connection} that only keeps its autocommit mode and records the transaction calls
 * made on it ({@code setAutoCommit(false)}, {@code commit}, {@code rollback}, {@code setSavepoint},
 * {@code rollback(savepoint)}); any other call fails the test. {@link #failOn} makes one call throw.
 */
final class FakeConnection {
    final List<String> calls = new ArrayList<>();
    final Connection connection;
    private boolean autoCommit;
    private String failing;

    FakeConnection(boolean autoCommit) {
        this.autoCommit = autoCommit;
        this.connection = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    String call = method.getName() + (method.getName().equals("setAutoCommit") ? "(" + args[0] + ")"
                            : method.getName().equals("rollback") && args != null ? "(savepoint)" : "");
                    if (!call.equals("getAutoCommit")) {
                        calls.add(call);
                    }
                    if (call.equals(failing)) {
                        throw new SQLException(call + " failed", "08006");
                    }
                    switch (method.getName()) {
                        case "getAutoCommit":
                            return this.autoCommit;
                        case "setAutoCommit":
                            this.autoCommit = (Boolean) args[0];
                            return null;
                        case "commit":
                        case "rollback":
                            return null;
                        case "setSavepoint":
                            return (Savepoint) Proxy.newProxyInstance(Savepoint.class.getClassLoader(),
                                    new Class<?>[] {Savepoint.class}, (p, m, a) -> null);
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    FakeConnection failOn(String call) {
        this.failing = call;
        return this;
    }

    boolean autoCommit() {
        return autoCommit;
    }
}
