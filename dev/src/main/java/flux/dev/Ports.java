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
