package app.oviya.ai.bench;

import app.oviya.ai.service.EmotionDetector;
import app.oviya.ai.service.ResponseCache;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Share of provider calls the response cache avoids on a mix of conversation openers. The cache policy
 * (what is cacheable, the key) is the production code; the store is an in-memory set (the Redis round
 * trip does not change the hit rate). Assumptions, stated so the figure can be judged: 10,000 first
 * messages of conversations; 45% are short greetings drawn from the 24 openers of common's
 * {@code openers/greetings.txt} (weighted towards the most common), 55% are personal and unique; half
 * the users are returning users. Which returning users' turns carry memories (and so are never cached)
 * is modelled two ways: "assumed", every turn of a returning user (the figure before 2026-11-28), and
 * "retrieved", what memory search really returns: a personal message always, a greeting only when it
 * is one of the openers memory-service's OpenerRetrievalTest measured to retrieve something for a user
 * who has told Oviya everything in the extraction dataset (a pessimistic returning user: name, dislikes
 * mornings, ...). The emotion in the key comes from the lexicon detector.
 * Run: ./mvnw -B -q test -pl ai-service -Pbench -Dtest=ResponseCacheBenchmark
 */
@Tag("benchmark")
class ResponseCacheBenchmark {

    static final List<String> GREETINGS = greetings();

    /**
     * Openers that retrieved at least one memory in memory-service's OpenerRetrievalTest (2026-11-28:
     * "good morning" → "User dislikes mornings", "hi oviya" → "User's name is Kiran"). Re-measure there
     * when the embedding model, the similarity floor or the opener list changes.
     */
    static final Set<String> RETRIEVE_MEMORIES = Set.of("good morning", "Good morning!", "hey oviya", "Hi Oviya",
            "hello oviya", "morning");

    static List<String> greetings() {
        try (InputStream in = ResponseCacheBenchmark.class.getResourceAsStream("/openers/greetings.txt")) {
            if (in == null) {
                throw new IllegalStateException("openers/greetings.txt (common's test-jar) is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How people actually type the same openers: casing, punctuation, emoji, stretched letters, the companion's name. */
    static String noisy(String greeting, Random random) {
        String t = greeting;
        switch (random.nextInt(6)) {
            case 0 -> t = t.toUpperCase(Locale.ROOT);
            case 1 -> t = t.replaceAll("([aeiouy])\\b", "$1$1$1");
            case 2 -> t = t + " oviya";
            default -> {
            }
        }
        String[] tails = {"", "", "!", "!!", " :)", " 😊", "...", " 👋", "?"};
        return t + tails[random.nextInt(tails.length)];
    }

    /** The normalisation before this round (kept here only to compare): case and punctuation, any short text. */
    static String previousPolicy(String message, boolean memories) {
        if (memories) {
            return null;
        }
        String n = message.toLowerCase(Locale.ROOT).replace('’', '\'').replaceAll("[^\\p{L}\\p{N}' ]+", " ").replaceAll("\\s+", " ")
                .strip();
        return n.isEmpty() || n.length() > 60 ? null : n;
    }

    @Test
    void shareOfProviderCallsAvoided() {
        System.out.printf(Locale.ROOT, "%nRESPONSE CACHE BENCHMARK (openers per cache lifetime, 45%% greetings, 50%% returning users)%n");
        for (int turns : new int[] {10_000, 300}) {
            for (boolean noisy : new boolean[] {false, true}) {
                for (boolean retrieved : new boolean[] {false, true}) {
                    for (boolean current : new boolean[] {false, true}) {
                        int[] r = run(noisy, current, retrieved, turns);
                        System.out.printf(Locale.ROOT,
                                "  %6d %-26s memories %-9s %-9s provider calls %d, avoided %d (%.1f%%), distinct cached replies %d%n",
                                turns, noisy ? "noisy openers (as typed)" : "committed opener mix", retrieved ? "retrieved" : "assumed",
                                current ? "new" : "previous", r[0], r[1], 100.0 * r[1] / (r[0] + r[1]), r[2]);
                    }
                }
            }
        }
        System.out.println();
    }

    /** turns: openers within one cache lifetime (6 h); a small deployment sees a few hundred. */
    private static int[] run(boolean noisy, boolean currentPolicy, boolean retrieved, int turns) {
        Random random = new Random(42);
        EmotionDetector emotions = new EmotionDetector();
        ResponseCache policy = new ResponseCache(null, "bench", java.time.Duration.ofHours(6), null);
        Set<String> cached = new HashSet<>();
        int calls = 0;
        int avoided = 0;
        for (int i = 0; i < turns; i++) {
            boolean greeting = random.nextDouble() < 0.45;
            // Zipf-like: the first variants are much more common.
            String text = greeting ? GREETINGS.get((int) Math.min(GREETINGS.size() - 1, Math.abs(random.nextGaussian()) * 6))
                    : "personal message " + i + " about my day";
            String typed = greeting && noisy ? noisy(text, random) : text;
            boolean returning = random.nextDouble() < 0.5;
            boolean memories = returning && (!retrieved || !greeting || RETRIEVE_MEMORIES.contains(text));
            text = typed;
            String n = currentPolicy ? ResponseCache.cacheableText(text, false, memories, false, false, false)
                    : previousPolicy(text, memories);
            if (n == null) {
                calls++;
                continue;
            }
            String key = policy.key(n, emotions.detect(text).label(), "v2", "anthropic", "claude-sonnet-4-5");
            if (cached.contains(key)) {
                avoided++;
            } else {
                calls++;
                cached.add(key);
            }
        }
        return new int[] {calls, avoided, cached.size()};
    }
}
