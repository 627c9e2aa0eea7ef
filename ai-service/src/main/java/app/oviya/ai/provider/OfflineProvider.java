package app.oviya.ai.provider;

import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A deterministic, network-free companion: it reflects the detected emotion, uses what it
 * remembers about the person, and says plainly that it is the offline mode. Used locally and
 * in tests when no LLM provider is configured.
 */
@ApplicationScoped
public class OfflineProvider implements LlmProvider {

    public static final String NAME = "offline";
    static final String MODEL = "oviya-offline-1";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean offline() {
        return true;
    }

    @Override
    public Multi<ProviderEvent> stream(CompanionTurn turn) {
        String reply = compose(turn);
        List<ProviderEvent> events = new ArrayList<>();
        for (String chunk : chunks(reply)) {
            events.add(new ProviderEvent.Delta(chunk));
        }
        long input = estimateTokens(turn.systemPrompt()) + turn.history().stream().mapToLong(t -> estimateTokens(t.content())).sum()
                + estimateTokens(turn.turnContext()) + estimateTokens(turn.userMessage());
        events.add(new ProviderEvent.Done(MODEL, input, estimateTokens(reply), 0, 0, "end_turn"));
        return Multi.createFrom().iterable(events);
    }

    String compose(CompanionTurn turn) {
        StringBuilder sb = new StringBuilder();
        String name = turn.displayName() == null || turn.displayName().isBlank() ? "" : ", " + turn.displayName();
        sb.append(opening(turn.emotionLabel(), turn.emotionIntensity(), name));
        if (!turn.memories().isEmpty()) {
            String memory = turn.memories().get(0);
            sb.append(" I remember that ").append(lowerFirst(asSecondPerson(memory))).append('.');
        }
        sb.append(' ').append(question(turn.emotionLabel()));
        sb.append(" (I'm Oviya in offline mode: an AI companion answering without a language model right now.)");
        return sb.toString();
    }

    private static String opening(String label, double intensity, String name) {
        String strength = intensity >= 0.7 ? "really " : "";
        return switch (label) {
            case "sadness" -> "I'm so sorry you're going through this" + name + ". It sounds " + strength + "painful.";
            case "anxiety" -> "That sounds " + strength + "stressful" + name + ", and it makes sense to feel on edge.";
            case "fear" -> "That sounds " + strength + "frightening" + name + ". You're not alone with it.";
            case "anger" -> "I can hear how " + strength + "frustrated you are" + name + ", and that's a fair thing to feel.";
            case "loneliness" -> "Feeling alone is " + strength + "hard" + name + ". I'm glad you told me.";
            case "joy" -> "That's " + (intensity >= 0.7 ? "wonderful" : "lovely") + " to hear" + name + "!";
            case "love" -> "That's heart-warming" + name + ".";
            case "surprise" -> "Wow, that sounds unexpected" + name + ".";
            default -> "Thank you for sharing that with me" + name + ".";
        };
    }

    private static String question(String label) {
        return switch (label) {
            case "sadness", "loneliness" -> "Would you like to tell me more about what's been weighing on you?";
            case "anxiety", "fear" -> "What feels most uncertain to you right now?";
            case "anger" -> "What happened that upset you the most?";
            case "joy", "love", "surprise" -> "What was the best part of it for you?";
            default -> "How are you feeling about it?";
        };
    }

    private static String asSecondPerson(String memory) {
        return memory.replaceFirst("^User's ", "your ").replaceFirst("^User ", "you ")
                .replace(" likes ", " like ").replace(" dislikes ", " dislike ").replace(" lives ", " live ")
                .replace(" works ", " work ").replace(" wants ", " want ").replace(" is called ", " is ");
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
    }

    /** Splits into word groups so clients see a real stream. */
    public static List<String> chunks(String text) {
        List<String> out = new ArrayList<>();
        String[] words = text.split("(?<= )");
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < words.length; i++) {
            current.append(words[i]);
            if ((i + 1) % 3 == 0) {
                out.add(current.toString());
                current.setLength(0);
            }
        }
        if (current.length() > 0) {
            out.add(current.toString());
        }
        return out;
    }

    static long estimateTokens(String text) {
        return text == null ? 0 : (text.length() + 3) / 4;
    }
}
