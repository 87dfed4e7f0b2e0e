package flux.dev;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback port checks for the embedded services. */
public final class Ports {
    private Ports() {
    }

    /** A port that was free a moment ago (tests; a race is possible but harmless there). */
    public static int findFree() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new DevServiceException("cannot find a free loopback port: " + e.getMessage(), e);
        }
    }

    /**
     * A port that was free a moment ago with the next one free too, for {@code serve}'s embedded
     * Kafka, which takes the port after its own for its controller (tests: a random free port's
     * neighbour is often another socket's ephemeral port).
     */
    public static int findFreePair() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = findFree();
            if (port < 65535 && isFree(port + 1)) {
                return port;
            }
        }
        throw new DevServiceException("cannot find two free consecutive loopback ports");
    }

    /** The same check as {@link #requireFree}, without the exception. */
    private static boolean isFree(int port) {
        try {
            requireFree(port, "");
            return true;
        } catch (DevServiceException e) {
            return false;
        }
    }

    /** Fails with a one-line message when something already listens on the port. */
    public static void requireFree(int port, String what) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("0.0.0.0", port));
        } catch (IOException e) {
            throw new DevServiceException(what + " port " + port + " is already in use");
        }
    }
}
