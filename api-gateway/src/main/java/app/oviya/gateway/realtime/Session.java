package app.oviya.gateway.realtime;

import app.oviya.chat.v1.ChatEvent;
import app.oviya.gateway.security.Caller;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** One open socket of one user: where its frames go, and what it has been told so far. */
final class Session {

    static final int FRAME_BURST = 20;
    static final double FRAMES_PER_SECOND = 10;

    private final Peer peer;
    private final Caller caller;
    /** Conversations this socket was told "assistant typing start" for, and not yet "stop". */
    private final Set<String> assistantTyping = ConcurrentHashMap.newKeySet();
    private final Map<String, Boolean> owned;
    private volatile long lastSeenNanos = System.nanoTime();
    // Client frames: a token bucket, so one socket cannot flood Redis (and every replica) with typing.
    private double frameTokens = FRAME_BURST;
    private long frameRefillNanos = System.nanoTime();
    volatile long expiryTimer = -1;
    volatile long noticeTimer = -1;

    Session(Peer peer, Caller caller, int ownedRemembered) {
        this.peer = peer;
        this.caller = caller;
        this.owned = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > ownedRemembered;
            }
        };
    }

    String id() {
        return peer.id();
    }

    String userId() {
        return caller.userId();
    }

    Caller caller() {
        return caller;
    }

    void send(String frame) {
        peer.send(frame);
    }

    void close(int code, String reason) {
        peer.close(code, reason);
    }

    /** The peer answered a ping or sent a frame: it is alive. */
    void seen() {
        lastSeenNanos = System.nanoTime();
    }

    long lastSeenNanos() {
        return lastSeenNanos;
    }

    /** Whether one more client frame is allowed now: {@link #FRAME_BURST} at once, then {@link #FRAMES_PER_SECOND}. */
    synchronized boolean allowFrame() {
        long now = System.nanoTime();
        frameTokens = Math.min(FRAME_BURST, frameTokens + (now - frameRefillNanos) / 1e9 * FRAMES_PER_SECOND);
        frameRefillNanos = now;
        if (frameTokens < 1) {
            return false;
        }
        frameTokens -= 1;
        return true;
    }

    synchronized boolean owns(String conversationId) {
        return owned.containsKey(conversationId);
    }

    synchronized void owned(String conversationId) {
        owned.put(conversationId, Boolean.TRUE);
    }

    /**
     * A chat event of one of the user's conversations. The assistant "types" from the user's message
     * (or, for a socket that joined mid-reply, the first delta it sees) until the reply completes or fails.
     */
    void chatEvent(String conversationId, ChatEvent e, String frame, String typingStart, String typingStop) {
        switch (e.getEventCase()) {
            case MESSAGE_CREATED -> {
                send(frame);
                if ("user".equals(e.getMessageCreated().getRole()) && assistantTyping.add(conversationId)) {
                    send(typingStart);
                }
            }
            case REPLY_DELTA -> {
                if (assistantTyping.add(conversationId)) {
                    send(typingStart);
                }
                send(frame);
            }
            case REPLY_COMPLETED, ERROR -> {
                send(frame);
                if (assistantTyping.remove(conversationId)) {
                    send(typingStop);
                }
            }
            default -> send(frame);
        }
    }
}
