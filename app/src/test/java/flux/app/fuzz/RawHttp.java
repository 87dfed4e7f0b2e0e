package flux.app.fuzz;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client over one keep-alive socket that sends requests exactly as given, bytes
 * and all: the JDK's client refuses control characters and invalid UTF-8 in headers, which is
 * what the fuzz sends. Reads answers framed by Content-Length, chunked encoding, or the
 * connection's end. Not thread-safe.
 */
final class RawHttp implements AutoCloseable {
    private static final int READ_TIMEOUT_MILLIS = 30_000;

    /** An answer: status, headers by lower-case name (the last of repeated ones), body. */
    record Answer(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Thrown when the server closed the connection without answering. */
    static final class NoAnswer extends IOException {
        NoAnswer(String message) {
            super(message);
        }
    }

    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    RawHttp(int port) {
        this.port = port;
    }

    /**
     * Sends one request and reads its answer. A reused connection that the server had closed
     * while idle (nothing read at all) is reopened once and the request sent again.
     */
    Answer exchange(byte[] request, boolean head) throws IOException {
        boolean reused = socket != null;
        try {
            return attempt(request, head);
        } catch (NoAnswer e) {
            if (!reused) {
                throw e;
            }
            return attempt(request, head);
        }
    }

    private Answer attempt(byte[] request, boolean head) throws IOException {
        connect();
        try {
            out.write(request);
            out.flush();
        } catch (IOException e) {
            // The server may have answered early (413) and closed before reading the rest: read what it said.
            try {
                return read(head);
            } catch (IOException nothing) {
                close();
                throw new NoAnswer("the server closed the connection while the request was sent: " + e.getMessage());
            }
        }
        return read(head);
    }

    private void connect() throws IOException {
        if (socket == null) {
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            in = new BufferedInputStream(socket.getInputStream(), 16384);
            out = socket.getOutputStream();
        }
    }

    private Answer read(boolean head) throws IOException {
        String statusLine = line(true);
        if (!statusLine.startsWith("HTTP/1.")) {
            close();
            throw new IOException("not an HTTP status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(false); !h.isEmpty(); h = line(false)) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
        }
        byte[] body;
        String length = headers.get("content-length");
        boolean noBody = head || status == 204 || status == 304 || status / 100 == 1;
        if (noBody) {
            body = new byte[0];
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = chunked();
        } else if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
        } else {
            body = in.readAllBytes();
            close();
        }
        String connection = headers.getOrDefault("connection", "");
        if (connection.equalsIgnoreCase("close") || statusLine.startsWith("HTTP/1.0")) {
            close();
        }
        return new Answer(status, headers, body);
    }

    private byte[] chunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(false);
            int semicolon = size.indexOf(';');
            int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (n == 0) {
                while (!line(false).isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(n));
            line(false);
        }
    }

    /** One line without its CRLF; {@code first}: an end of stream before any byte means no answer at all. */
    private String line(boolean first) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                close();
                if (first && line.size() == 0) {
                    throw new NoAnswer("the server closed the connection without answering");
                }
                throw new EOFException("the answer ended early");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException ignored) {
            // closing a socket the peer already closed
        } finally {
            socket = null;
        }
    }
}
