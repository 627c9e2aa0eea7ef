package app.oviya.gateway.api;

import app.oviya.auth.v1.AuthResult;
import app.oviya.auth.v1.Plan;
import app.oviya.auth.v1.User;
import app.oviya.chat.v1.Conversation;
import app.oviya.chat.v1.Message;
import app.oviya.memory.v1.Memory;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Locale;

/** The public JSON shapes of API.md, and their mapping from the internal contracts. */
public final class Json {

    private Json() {
    }

    public record RegisterBody(String email, String password, String displayName) {
    }

    public record LoginBody(String email, String password) {
    }

    public record RefreshBody(String refreshToken) {
    }

    public record ConversationBody(String title) {
    }

    public record MessageBody(String content) {
    }

    public record MemoryBody(String content) {
    }

    /** PATCH /v1/me: absent (or null) fields are left unchanged; an empty persona or country removes it. */
    public record ProfilePatch(String displayName, String timezone, String persona, String country) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UsageJson(String date, long messagesToday, Long dailyLimit, Long remaining, String resetsAt) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LimitsJson(int messagesPerMinute, Long messagesPerDay) {
    }

    /** GET /v1/me: the User shape plus profile settings, today's usage and the plan's limits. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MeJson(String id, String email, String displayName, String plan, String createdAt, String timezone, String persona,
            String country, UsageJson usage, LimitsJson limits) {
    }

    @RegisterForReflection
    public record UserJson(String id, String email, String displayName, String plan, String createdAt) {
    }

    @RegisterForReflection
    public record TokenResponse(String accessToken, String refreshToken, String tokenType, long expiresIn, UserJson user) {
    }

    @RegisterForReflection
    public record ConversationJson(String id, String title, String createdAt, String lastMessageAt) {
    }

    @RegisterForReflection
    public record EmotionJson(String label, double intensity) {
    }

    @RegisterForReflection
    public record SafetyJson(String kind, String message) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MessageJson(String id, String conversationId, String role, String content, String status, String createdAt,
            EmotionJson emotion, SafetyJson safety) {
    }

    @RegisterForReflection
    public record ExchangeJson(MessageJson message, MessageJson reply) {
    }

    @RegisterForReflection
    public record DeltaJson(String messageId, String text) {
    }

    @RegisterForReflection
    public record MessageEventJson(MessageJson message) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MemoryJson(String id, String content, String kind, double importance, String createdAt, String sourceMessageId,
            Double score) {
    }

    @RegisterForReflection
    public record Page<T>(List<T> items, String nextCursor) {
    }

    public static String plan(Plan plan) {
        return switch (plan) {
            case PLAN_PRO -> "pro";
            case PLAN_PREMIUM -> "premium";
            default -> "free";
        };
    }

    public static UserJson user(User u) {
        return new UserJson(u.getId(), u.getEmail(), u.getDisplayName(), plan(u.getPlan()), u.getCreatedAt());
    }

    public static MeJson me(User u, UsageJson usage, LimitsJson limits) {
        return new MeJson(u.getId(), u.getEmail(), u.getDisplayName(), plan(u.getPlan()), u.getCreatedAt(), u.getTimezone(),
                emptyToNull(u.getPersona()), emptyToNull(u.getCountry()), usage, limits);
    }

    public static TokenResponse tokens(AuthResult r) {
        return new TokenResponse(r.getAccessToken(), r.getRefreshToken(), "Bearer", r.getExpiresIn(), user(r.getUser()));
    }

    public static ConversationJson conversation(Conversation c) {
        return new ConversationJson(c.getId(), c.getTitle(), c.getCreatedAt(), emptyToNull(c.getLastMessageAt()));
    }

    public static MessageJson message(Message m) {
        return new MessageJson(m.getId(), m.getConversationId(), m.getRole(), m.getContent(), m.getStatus(), m.getCreatedAt(),
                m.hasEmotion() ? new EmotionJson(m.getEmotion().getLabel().toLowerCase(Locale.ROOT), m.getEmotion().getIntensity()) : null,
                m.hasSafety() ? new SafetyJson(m.getSafety().getKind(), m.getSafety().getMessage()) : null);
    }

    public static MemoryJson memory(Memory m, boolean withScore) {
        return new MemoryJson(m.getId(), m.getContent(), m.getKind(), Math.round(m.getImportance() * 100) / 100.0, m.getCreatedAt(),
                emptyToNull(m.getSourceMessageId()), withScore ? m.getScore() : null);
    }

    public static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
