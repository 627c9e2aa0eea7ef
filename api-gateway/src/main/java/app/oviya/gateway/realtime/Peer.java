package app.oviya.gateway.realtime;

/** One open WebSocket, as the hub sees it (a fake in tests). Both calls never block and never throw. */
interface Peer {

    String id();

    void send(String frame);

    void close(int code, String reason);
}
