package app.oviya.ai.provider;

import java.util.List;

/**
 * Everything a provider needs for one reply. {@code systemPrompt} and {@code history} are the stable
 * prefix (cached by providers that support prompt caching); {@code turnContext} holds what changes every
 * turn (emotion, memories, safety note) and is sent just before the user's message so it never breaks
 * the cached prefix. Emotion and memories are also given as structured facts for the offline provider.
 * {@code sharedSystemChars}: how much of the start of {@code systemPrompt} is the same for every user
 * (the persona); providers with prompt caching send it as its own cached block, so all conversations
 * share that cache entry and only the per-user rest (name, custom style) is specific.
 */
public record CompanionTurn(
        String systemPrompt,
        List<Turn> history,
        String turnContext,
        String userMessage,
        String emotionLabel,
        double emotionIntensity,
        List<String> memories,
        String displayName,
        int maxTokens,
        int sharedSystemChars) {

    /** The whole system prompt is one block. */
    public CompanionTurn(String systemPrompt, List<Turn> history, String turnContext, String userMessage, String emotionLabel,
            double emotionIntensity, List<String> memories, String displayName, int maxTokens) {
        this(systemPrompt, history, turnContext, userMessage, emotionLabel, emotionIntensity, memories, displayName, maxTokens,
                systemPrompt == null ? 0 : systemPrompt.length());
    }

    public record Turn(String role, String content) {
    }
}
