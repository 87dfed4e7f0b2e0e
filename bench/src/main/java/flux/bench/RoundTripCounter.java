package flux.bench;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.InputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.SocketFactory;

/**
 * A pgjdbc {@code socketFactory} that counts round trips: a round trip is the client sending
 * (one or more flushes) and then reading the answer. pgjdbc sends a whole pipeline (e.g. an
 * implicit BEGIN, the statements, Sync) before it reads, so this counts the waits a caller
 * pays for, not packets. Enable with the JDBC URL parameter
 * {@code socketFactory=flux.bench.RoundTripCounter}. The count is process-wide (pgjdbc
 * instantiates the factory by class name), so read it as a difference around quiet work.
 */
public final class RoundTripCounter extends SocketFactory {
    private static final AtomicLong ROUND_TRIPS = new AtomicLong();

    public static long roundTrips() {
        return ROUND_TRIPS.get();
    }

    @Override
    public Socket createSocket() {
        return new CountingSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = new CountingSocket();
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return createSocket(host.getHostAddress(), port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return createSocket(address.getHostAddress(), port);
    }

    private static final class CountingSocket extends Socket {
        /** Set when the client flushed; the next read completes a round trip. */
        private volatile boolean sent;

        CountingSocket() {
            super(java.net.Proxy.NO_PROXY);
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            return new FilterOutputStream(super.getOutputStream()) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                    sent = true;
                }
            };
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return new FilterInputStream(super.getInputStream()) {
                @Override
                public int read() throws IOException {
                    received();
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    received();
                    return in.read(b, off, len);
                }
            };
        }

        private void received() {
            if (sent) {
                sent = false;
                ROUND_TRIPS.incrementAndGet();
            }
        }
    }
}
