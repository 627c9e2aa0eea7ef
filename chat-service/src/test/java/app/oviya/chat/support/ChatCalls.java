package app.oviya.chat.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import app.oviya.chat.v1.ChatEvent;
import app.oviya.chat.v1.ChatServiceGrpc;
import app.oviya.chat.v1.SendMessageRequest;
import app.oviya.common.testing.GrpcTestSupport;
import io.agroal.api.AgroalDataSource;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.function.Executable;

/** What the chat-service tests share: a stub per call, stream collection, error and database assertions. */
public final class ChatCalls {

    private final ManagedChannel channel;
    private final AgroalDataSource db;

    public ChatCalls(ManagedChannel channel, AgroalDataSource db) {
        this.channel = channel;
        this.db = db;
    }

    public ChatServiceGrpc.ChatServiceBlockingStub chat() {
        return ChatServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public static String newUser() {
        return UUID.randomUUID().toString();
    }

    public static SendMessageRequest.Builder send(String userId, String conversationId, String content) {
        return SendMessageRequest.newBuilder().setUserId(userId).setConversationId(conversationId).setContent(content)
                .setPlan("free");
    }

    /** Every event of one SendMessage stream, in order. */
    public List<ChatEvent> sendAndCollect(SendMessageRequest request) {
        List<ChatEvent> events = new ArrayList<>();
        chat().sendMessage(request).forEachRemaining(events::add);
        return events;
    }

    public static void assertFails(Status.Code status, String code, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(status, e.getStatus().getCode(), e.toString());
        assertEquals(code, GrpcTestSupport.errorCode(e), e.toString());
    }

    public long count(String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public int execute(String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first column of every row, as strings. */
    public List<String> rows(String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One row as strings, or null when there is none. */
    public List<String> row(String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                List<String> out = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    out.add(rs.getString(i));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits for something that happens asynchronously (e.g. memory extraction after the reply). */
    public static <T> T await(Duration timeout, Supplier<T> poll) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = poll.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }
}
