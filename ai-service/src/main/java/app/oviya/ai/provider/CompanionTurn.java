package app.oviya.ai.provider;

import java.util.List;

/**
 * Everything a provider needs for one reply: the assembled system prompt and history, plus the
 * structured facts (emotion, memories) that the offline provider answers from directly.
 */
public record CompanionTurn(
        String systemPrompt,
        List<Turn> history,
        String userMessage,
        String emotionLabel,
        double emotionIntensity,
        List<String> memories,
        String displayName,
        int maxTokens) {

    public record Turn(String role, String content) {
    }
}
