package flux.bench;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One {@link LeanHttpClient} keep-alive connection per client thread, to a server on loopback;
 * an answer other than 200 is an error. Thread-safe.
 */
final class PerThreadHttpClients implements AutoCloseable {
    private final ThreadLocal<LeanHttpClient> clients;
    private final List<LeanHttpClient> opened = new CopyOnWriteArrayList<>();

    PerThreadHttpClients(int port) {
        clients = ThreadLocal.withInitial(() -> {
            LeanHttpClient client = new LeanHttpClient("127.0.0.1", port);
            opened.add(client);
            return client;
        });
    }

    void post(String path, String body) throws IOException {
        LeanHttpClient.Response answer = clients.get().post(path, body);
        if (answer.status() != 200) {
            throw new IOException("HTTP " + answer.status() + ": " + answer.body());
        }
    }

    @Override
    public void close() {
        opened.forEach(LeanHttpClient::close);
    }
}
