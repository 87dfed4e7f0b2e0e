package flux.app;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code flux} CLI in the test JVM, with an empty environment, and keeps what it printed. */
public record Cli(int exitCode, String out, String err) {
    public static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Flux.run(java.util.Map.of(), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Cli(code, out.toString(), err.toString());
    }
}
