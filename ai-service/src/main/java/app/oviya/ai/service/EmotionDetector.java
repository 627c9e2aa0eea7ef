package app.oviya.ai.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Names the emotion in a user message, with an intensity in 0..1.
 * Labels: joy, sadness, anger, fear, anxiety, loneliness, love, surprise, neutral.
 * This lexicon detector is the dependency-free baseline.
 */
@ApplicationScoped
public class EmotionDetector {

    public record Emotion(String label, double intensity) {
        public static final Emotion NEUTRAL = new Emotion("neutral", 0.0);
    }

    private static final Map<String, List<String>> LEXICON = new LinkedHashMap<>();

    static {
        LEXICON.put("sadness", List.of("sad", "unhappy", "depressed", "down", "crying", "cry", "cried", "heartbroken", "miserable",
                "grief", "grieving", "hopeless", "lost my", "passed away", "died", "miss her", "miss him", "upset"));
        LEXICON.put("anxiety", List.of("anxious", "anxiety", "nervous", "worried", "worry", "stressed", "stress", "overwhelmed",
                "panic", "can't sleep", "cannot sleep", "tense", "on edge", "interview", "exam"));
        LEXICON.put("fear", List.of("afraid", "scared", "terrified", "fear", "frightened", "unsafe"));
        LEXICON.put("anger", List.of("angry", "furious", "mad at", "annoyed", "hate", "frustrated", "pissed", "irritated", "unfair"));
        LEXICON.put("loneliness", List.of("lonely", "alone", "no friends", "nobody", "no one", "isolated", "left out", "by myself"));
        LEXICON.put("joy", List.of("happy", "glad", "excited", "great", "amazing", "wonderful", "awesome", "thrilled", "proud",
                "good news", "fantastic", "delighted", "yay", "finally got"));
        LEXICON.put("love", List.of("love", "adore", "grateful", "thankful", "appreciate", "crush"));
        LEXICON.put("surprise", List.of("surprised", "shocked", "unexpected", "can't believe", "wow"));
    }

    /** Each cue as a whole word or phrase, with common inflections (cry -> crying, stress -> stressful). */
    private static final Map<String, List<Pattern>> CUES = new LinkedHashMap<>();

    static {
        LEXICON.forEach((label, cues) -> CUES.put(label, cues.stream()
                .map(c -> Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(c) + "(?:s|es|d|ed|ing|ful|ness|ly)?(?![\\p{L}\\p{N}])"))
                .toList()));
    }

    private static final List<String> INTENSIFIERS = List.of("very", "so", "really", "extremely", "incredibly", "totally", "!!");

    public Emotion detect(String text) {
        if (text == null || text.isBlank()) {
            return Emotion.NEUTRAL;
        }
        String t = " " + text.toLowerCase(Locale.ROOT).replace('’', '\'') + " ";
        String best = null;
        int bestHits = 0;
        // Whole words only: "down" must not match "downtown", nor "love" "glove".
        for (Map.Entry<String, List<Pattern>> e : CUES.entrySet()) {
            int hits = 0;
            for (Pattern cue : e.getValue()) {
                if (cue.matcher(t).find()) {
                    hits++;
                }
            }
            if (hits > bestHits) {
                best = e.getKey();
                bestHits = hits;
            }
        }
        if (best == null) {
            return Emotion.NEUTRAL;
        }
        int boost = 0;
        for (String i : INTENSIFIERS) {
            if (t.contains(i.startsWith("!") ? i : " " + i + " ")) {
                boost++;
            }
        }
        double intensity = Math.min(1.0, 0.45 + 0.15 * (bestHits - 1) + 0.12 * boost);
        return new Emotion(best, Math.round(intensity * 100) / 100.0);
    }
}
