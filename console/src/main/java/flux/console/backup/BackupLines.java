package flux.console.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.console.BackupFailed;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** A backup file's lines: gzip-compressed UTF-8, one JSON object a line (docs/tenant-backup.md). */
final class BackupLines {
    static final ObjectMapper JSON = new ObjectMapper();

    private BackupLines() {
    }

    static ObjectNode line(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    /** Writes lines; closing finishes the gzip stream (not the underlying one's owner's business). */
    static final class Out implements AutoCloseable {
        private final Writer writer;

        Out(OutputStream out) throws IOException {
            this.writer = new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(out, 1 << 16),
                    StandardCharsets.UTF_8), 1 << 16);
        }

        void write(JsonNode line) {
            try {
                writer.write(JSON.writeValueAsString(line));
                writer.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            writer.close();
        }
    }

    /** Reads lines; null at the end. */
    static final class In implements AutoCloseable {
        private final BufferedReader reader;
        private final String name;

        In(InputStream in, String name) throws IOException {
            this.name = name;
            try {
                this.reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(in, 1 << 16),
                        StandardCharsets.UTF_8), 1 << 16);
            } catch (java.util.zip.ZipException e) {
                throw new BackupFailed(name + " is not a Flux tenant backup (not gzip-compressed)");
            }
        }

        JsonNode next() {
            try {
                String line = reader.readLine();
                return line == null ? null : JSON.readTree(line);
            } catch (IOException e) {
                throw new BackupFailed("cannot read " + name + " (damaged or cut short)", e);
            }
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
