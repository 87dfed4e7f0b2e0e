package flux.app;

import flux.dev.testing.TestPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Runs the {@code flux} CLI in the test JVM, with an empty environment, and keeps what it printed. */
public record Cli(int exitCode, String out, String err) {
    public static Cli run(String... args) {
        return run(java.util.Map.of(), args);
    }

    /** Runs with the given environment (what {@code DATABASE_URL} and {@code FLUX_HOME} default options read). */
    public static Cli run(java.util.Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Flux.run(environment, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Cli(code, out.toString(), err.toString());
    }

    /**
     * Runs a command that finds its database as it would beside a running {@code flux serve}:
     * {@code db}'s URL in {@code home/database.url}, passed as {@code --data-dir home}.
     */
    public static Cli against(TestPostgres db, Path home, String... args) throws IOException {
        Files.writeString(home.resolve("database.url"),
                db.jdbcUrl() + "?user=" + db.user() + "&password=" + db.password() + "\n");
        String[] all = Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--data-dir";
        all[args.length + 1] = home.toString();
        return run(all);
    }
}
