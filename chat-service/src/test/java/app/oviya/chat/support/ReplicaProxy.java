package app.oviya.chat.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of the real replica that a test can break: chat-service's replica pool
 * connects through it, and the test switches between a healthy replica, one that is down (every
 * connection closed, new ones closed at once) and one that hangs (connections accepted, nothing
 * answered). Every switch drops the open connections, like a restarted or partitioned server.
 */
public final class ReplicaProxy implements AutoCloseable {

    public enum Mode { FORWARD, DOWN, HANG }

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.FORWARD;

    public ReplicaProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "replica-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public void mode(Mode next) {
        mode = next;
        for (Socket s : open) {
            quietlyClose(s);
        }
        open.clear();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            Mode m = mode;
            if (m == Mode.DOWN) {
                quietlyClose(client);
                continue;
            }
            open.add(client);
            if (m == Mode.HANG) {
                continue; // accepted, never answered (until the next switch closes it)
            }
            try {
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(targetHost, targetPort), 2_000);
                open.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                quietlyClose(client);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // closed by a switch or by either side
            } finally {
                quietlyClose(from);
                quietlyClose(to);
                open.remove(from);
                open.remove(to);
            }
        }, "replica-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void quietlyClose(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        mode(Mode.DOWN);
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
