package app.oviya.gateway.api;

import app.oviya.ai.v1.UsageDay;
import app.oviya.auth.v1.AccountExport;
import app.oviya.auth.v1.SessionRecord;
import app.oviya.chat.v1.ConversationExport;
import app.oviya.common.error.ServiceException;
import app.oviya.gateway.client.AiClient;
import app.oviya.gateway.client.AuthClient;
import app.oviya.gateway.client.ChatClient;
import app.oviya.gateway.client.MemoryClient;
import app.oviya.gateway.ratelimit.RateLimiter;
import app.oviya.gateway.ratelimit.RateLimits;
import app.oviya.memory.v1.Memory;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Everything stored about a user, across services: deleting it (DELETE /v1/me) and exporting it
 * (GET /v1/me/export). Deletion asks chat, ai and memory and the usage counters first and the
 * account last, and succeeds only when every one of them did: a failure answers 503 and leaves
 * the account (and the caller's token) in place, so the client simply retries; every step is
 * idempotent, so a retry finishes the job.
 */
@ApplicationScoped
public class AccountData {

    private static final Logger LOG = Logger.getLogger(AccountData.class);
    private static final int MEMORY_PAGE = 100;

    private final AuthClient auth;
    private final ChatClient chat;
    private final AiClient ai;
    private final MemoryClient memory;
    private final RateLimiter limiter;
    private final RateLimits limits;

    public AccountData(AuthClient auth, ChatClient chat, AiClient ai, MemoryClient memory, RateLimiter limiter, RateLimits limits) {
        this.auth = auth;
        this.chat = chat;
        this.ai = ai;
        this.memory = memory;
        this.limiter = limiter;
        this.limits = limits;
    }

    public Uni<Void> delete(String userId) {
        Uni<Void> data = Uni.combine().all().unis(
                        step("chat-service", chat.deleteUserData(userId)),
                        step("ai-service", ai.deleteUserData(userId)),
                        step("memory-service", memory.forgetAll(userId)),
                        step("usage counters", limiter.forget(userId)))
                .usingConcurrencyOf(4)
                .discardItems();
        return data.chain(() -> step("auth-service", auth.deleteAccount(userId)))
                .invoke(() -> LOG.infof("Account %s deleted in every service", userId))
                .replaceWithVoid();
    }

    public Uni<Map<String, Object>> export(String userId) {
        Uni<AccountExport> account = step("auth-service", auth.exportAccount(userId));
        Uni<List<ConversationExport>> conversations = step("chat-service", chat.exportUserData(userId).collect().asList());
        Uni<List<Memory>> memories = step("memory-service", allMemories(userId, null, new ArrayList<>()));
        Uni<List<UsageDay>> aiUsage = step("ai-service", ai.exportUserData(userId).map(u -> u.getDaysList()));
        return Uni.combine().all().unis(account, conversations, memories, aiUsage).with((a, c, m, u) -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("exportedAt", Instant.now().toString());
            out.put("account", account(a));
            out.put("conversations", c.stream().map(AccountData::conversation).toList());
            out.put("memories", m.stream().map(x -> Json.memory(x, false)).toList());
            out.put("aiUsage", u.stream().map(AccountData::usageDay).toList());
            return out;
        }).chain(out -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> acc = (Map<String, Object>) out.get("account");
            RateLimiter.Limits l = limits.forPlan((String) acc.get("plan"));
            return limiter.usage(userId, l).map(usage -> {
                out.put("messagesToday", new Json.UsageJson(usage.date(), usage.messagesToday(), usage.limit(), usage.remaining(),
                        usage.resetsAt()));
                return out;
            });
        });
    }

    private Uni<List<Memory>> allMemories(String userId, String cursor, List<Memory> acc) {
        return memory.list(userId, MEMORY_PAGE, cursor).chain(page -> {
            acc.addAll(page.getItemsList());
            String next = page.getNextCursor();
            return next == null || next.isEmpty() ? Uni.createFrom().item(acc) : allMemories(userId, next, acc);
        });
    }

    /** A failed step names the service; the caller retries the whole (idempotent) operation. */
    private static <T> Uni<T> step(String service, Uni<T> call) {
        return call.onFailure().transform(t -> {
            LOG.warnf("Account data step failed in %s: %s", service, t.toString());
            return ServiceException.unavailable(service + " could not be reached; nothing was reported done, please retry");
        });
    }

    private static Map<String, Object> account(AccountExport a) {
        Map<String, Object> m = new LinkedHashMap<>();
        Json.UserJson user = Json.user(a.getUser());
        m.put("id", user.id());
        m.put("email", user.email());
        m.put("displayName", user.displayName());
        m.put("plan", user.plan());
        m.put("timezone", a.getUser().getTimezone());
        m.put("persona", Json.emptyToNull(a.getUser().getPersona()));
        m.put("country", Json.emptyToNull(a.getUser().getCountry()));
        m.put("createdAt", user.createdAt());
        m.put("updatedAt", a.getUpdatedAt());
        List<Map<String, Object>> sessions = new ArrayList<>();
        for (SessionRecord s : a.getSessionsList()) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("id", s.getSessionId());
            sm.put("startedAt", s.getStartedAt());
            sm.put("lastUsedAt", s.getLastUsedAt());
            sm.put("expiresAt", s.getExpiresAt());
            sm.put("revoked", s.getRevoked());
            sessions.add(sm);
        }
        m.put("sessions", sessions);
        return m;
    }

    private static Map<String, Object> conversation(ConversationExport e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("conversation", Json.conversation(e.getConversation()));
        m.put("messages", e.getMessagesList().stream().map(Json::message).toList());
        return m;
    }

    private static Map<String, Object> usageDay(UsageDay d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("day", d.getDay());
        m.put("provider", d.getProvider());
        m.put("model", d.getModel());
        m.put("requests", d.getRequests());
        m.put("inputTokens", d.getInputTokens());
        m.put("outputTokens", d.getOutputTokens());
        m.put("costUsd", d.getCostUsd());
        return m;
    }
}
