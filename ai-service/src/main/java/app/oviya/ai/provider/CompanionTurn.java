package app.oviya.ai.provider;

import java.util.List;

/**
 * Everything a provider needs for one reply. {@code systemPrompt} and {@code history} are the stable
 * prefix (cached by providers that support prompt caching); {@code turnContext} holds what changes every
 * turn (emotion, memories, safety note) and is sent just before the user's message so it never breaks
 * the cached prefix. Emotion and memories are also given as structured facts for the offline provider.
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
        int maxTokens) {

    public record Turn(String role, String content) {
    }
}
