package app.oviya.ai.service;

import app.oviya.ai.repository.UsageEvent;
import app.oviya.ai.repository.UsageRepository;
import app.oviya.ai.v1.UsageDay;
import app.oviya.ai.v1.UsageExport;
import app.oviya.common.error.ServiceException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** What ai-service stores about one user (the usage ledger): exported on request, deleted with the account. */
@ApplicationScoped
public class UserDataService {

    private final UsageRepository usage;

    public UserDataService(UsageRepository usage) {
        this.usage = usage;
    }

    /** Idempotent: a second call deletes nothing and succeeds. */
    public Uni<Long> delete(String userId) {
        UUID user = parse(userId);
        return Panache.withTransaction(() -> usage.delete("userId", user));
    }

    /** The ledger per UTC day, provider and model. */
    public Uni<UsageExport> export(String userId) {
        UUID user = parse(userId);
        return Panache.withSession(() -> usage.list("userId", Sort.ascending("createdAt"), user)).map(UserDataService::summarize);
    }

    static UsageExport summarize(List<UsageEvent> events) {
        Map<String, UsageDay.Builder> days = new TreeMap<>();
        for (UsageEvent e : events) {
            String day = e.createdAt.atZone(ZoneOffset.UTC).toLocalDate().toString();
            UsageDay.Builder d = days.computeIfAbsent(day + "|" + e.provider + "|" + e.model,
                    k -> UsageDay.newBuilder().setDay(day).setProvider(e.provider).setModel(e.model));
            d.setRequests(d.getRequests() + 1)
                    .setInputTokens(d.getInputTokens() + e.inputTokens)
                    .setOutputTokens(d.getOutputTokens() + e.outputTokens)
                    .setCacheReadInputTokens(d.getCacheReadInputTokens() + e.cacheReadTokens)
                    .setCacheCreationInputTokens(d.getCacheCreationInputTokens() + e.cacheWriteTokens)
                    .setCostUsd(d.getCostUsd() + (e.costUsd == null ? 0 : e.costUsd.doubleValue()));
        }
        UsageExport.Builder out = UsageExport.newBuilder();
        days.values().forEach(out::addDays);
        return out.build();
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ServiceException.validation("userId must be a UUID");
        }
    }
}
