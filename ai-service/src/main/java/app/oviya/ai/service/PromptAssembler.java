package app.oviya.ai.service;

import app.oviya.ai.provider.CompanionTurn;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds the prompt for one turn within a token budget.
 * <p>
 * Layout, most stable first so prompt caching pays off: system (persona, custom style, name) →
 * history (oldest first) → turn context (emotion, memories, safety note) → the user's message.
 * When the whole does not fit, the oldest context goes first; it is trimmed down to
 * {@link #REFILL} of the room available, not just below it, so the cached prefix stays the same for
 * the next several turns instead of shifting (and missing the cache) every turn.
 */
public final class PromptAssembler {

    /** After trimming, history uses at most this share of the room left for it. */
    static final double REFILL = 0.75;

    private PromptAssembler() {
    }

    public record Prompt(String system, List<CompanionTurn.Turn> history, String turnContext, int droppedTurns,
            long estimatedTokens) {
    }

    /** A rough, provider-independent estimate (about 4 characters per token in English). */
    public static long estimateTokens(String text) {
        return text == null ? 0 : (text.length() + 3) / 4;
    }

    public static Prompt assemble(String system, List<CompanionTurn.Turn> context, String turnContext, String userMessage,
            int budget) {
        List<CompanionTurn.Turn> history = new ArrayList<>();
        for (CompanionTurn.Turn t : context) {
            if (t.content() != null && !t.content().isBlank()) {
                String role = "assistant".equals(t.role().toLowerCase(Locale.ROOT)) ? "assistant" : "user";
                history.add(new CompanionTurn.Turn(role, t.content()));
            }
        }
        long fixed = estimateTokens(system) + estimateTokens(turnContext) + estimateTokens(userMessage);
        long room = Math.max(0, budget - fixed);
        long used = history.stream().mapToLong(t -> estimateTokens(t.content())).sum();
        int dropped = 0;
        if (used > room) {
            long target = (long) (room * REFILL);
            while (!history.isEmpty() && used > target) {
                used -= estimateTokens(history.remove(0).content());
                dropped++;
            }
        }
        // The Messages API wants the conversation to start with the user.
        while (!history.isEmpty() && history.get(0).role().equals("assistant")) {
            used -= estimateTokens(history.remove(0).content());
            dropped++;
        }
        return new Prompt(system, List.copyOf(history), turnContext, dropped, fixed + used);
    }
}
