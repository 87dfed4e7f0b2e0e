package flux.app.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One generated request as bytes on the wire: method, request target and header lines as given
 * (control characters and invalid UTF-8 included, line breaks taken out), then Host and a correct
 * Content-Length, so that every case is one well-framed request on the keep-alive connection.
 */
record HttpCase(String method, byte[] target, List<byte[]> headers, byte[] body) {

    static HttpCase post(String path, List<byte[]> headers, byte[] body) {
        return new HttpCase("POST", ascii(path), headers, body);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] header(String name, String value) {
        return utf8(name + ": " + value);
    }

    static byte[] header(String name, byte[] value) {
        byte[] prefix = ascii(name + ": ");
        byte[] line = new byte[prefix.length + value.length];
        System.arraycopy(prefix, 0, line, 0, prefix.length);
        System.arraycopy(value, 0, line, prefix.length, value.length);
        return line;
    }

    boolean head() {
        return method.equals("HEAD");
    }

    /**
     * Whether the target is under the web UI, {@code /ui} (empty segments skipped, as a server may
     * fold them), whose errors are HTML pages for a browser rather than problem+json.
     */
    boolean underUi() {
        String path = new String(target, StandardCharsets.ISO_8859_1);
        int query = path.indexOf('?');
        for (String segment : (query < 0 ? path : path.substring(0, query)).split("/")) {
            if (!segment.isEmpty()) {
                return segment.equals("ui");
            }
        }
        return false;
    }

    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + (body == null ? 0 : body.length));
        out.writeBytes(ascii(method + " "));
        out.writeBytes(withoutLineBreaks(target));
        out.writeBytes(ascii(" HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
        for (byte[] h : headers) {
            out.writeBytes(withoutLineBreaks(h));
            out.writeBytes(ascii("\r\n"));
        }
        if (body != null) {
            out.writeBytes(ascii("Content-Length: " + body.length + "\r\n"));
        }
        out.writeBytes(ascii("\r\n"));
        if (body != null) {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    /**
     * CR and LF end a line of the head: inside a target or a header they would make the rest a
     * new header or the body, and the next case would be read as this one's remainder.
     */
    private static byte[] withoutLineBreaks(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        for (byte b : bytes) {
            if (b != '\r' && b != '\n') {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    /** The case as a reader sees it in a failure message: bytes outside printable ASCII escaped, long parts cut. */
    String shown() {
        return printable(bytes(), 600);
    }

    static String printable(byte[] bytes, int max) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < bytes.length && s.length() < max; i++) {
            int b = bytes[i] & 0xff;
            if (b == '\r') {
                s.append("\\r");
            } else if (b == '\n') {
                s.append("\\n\n");
            } else if (b < 0x20 || b >= 0x7f) {
                s.append(String.format("\\x%02x", b));
            } else {
                s.append((char) b);
            }
        }
        return bytes.length > max ? s + "... (" + bytes.length + " bytes)" : s.toString();
    }
}
