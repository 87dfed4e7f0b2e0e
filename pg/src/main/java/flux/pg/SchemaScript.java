package flux.pg;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * An idempotent DDL script, safe to run on every start: what {@link SchemaInstaller} runs. The
 * module that owns the tables owns the script (e.g. the mutation log's, tenancy's).
 *
 * @param name for messages: the resource path, or what the script creates
 */
public record SchemaScript(String name, String sql) {

    /** The script in classpath resource {@code path} (no leading slash) of {@code owner}'s class loader. */
    public static SchemaScript resource(Class<?> owner, String path) {
        try (InputStream in = owner.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the classpath");
            }
            return new SchemaScript(path, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }
}
