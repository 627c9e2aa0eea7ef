package app.oviya.ai.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Replies to repeatable, non-personal turns (greetings and conversation openers) kept in Redis, so the
 * provider is not paid again for "hi" or "good morning". A turn is cacheable only when nothing personal
 * goes into the prompt: no earlier context, no memories, no name, no custom persona, no crisis risk, and
 * the message is one of the known openers ({@link #OPENERS}) once normalised (case, punctuation, emoji,
 * elongated letters, "oviya", greeting variants). The key is the canonical opener plus the detected
 * emotion, persona version and model. Hits and misses are counted ({@code oviya_ai_response_cache}) and the hit rate is a gauge.
 * Redis down means: bypass, never fail the turn.
 */
public class ResponseCache {

    private static final Logger LOG = Logger.getLogger(ResponseCache.class);
    static final int MAX_CACHEABLE_CHARS = 60;

    public record Entry(String text, String model) {
    }

    private final ReactiveRedisDataSource redis;
    private final String prefix;
    private final Duration ttl;
    private final MeterRegistry metrics;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    public ResponseCache(ReactiveRedisDataSource redis, String prefix, Duration ttl, MeterRegistry metrics) {
        this.redis = redis;
        this.prefix = prefix;
        this.ttl = ttl;
        this.metrics = metrics;
        if (metrics != null) {
            metrics.gauge("oviya_ai_response_cache_hit_rate", this, ResponseCache::hitRate);
        }
    }

    /**
     * Known openers: canonical form → the ways people write it (after {@link #normalise}). Only these are
     * cached, so a short but personal message ("my dog died") never is, whatever its length.
     */
    static final Map<String, List<String>> OPENERS = openers();
    /** Greeting words that may precede another opener ("hey how are you" = "hi" + "how are you"). */
    static final Set<String> GREETING_WORDS = Set.of("hi", "hii", "hey", "heyy", "hello", "hallo", "hiya", "heya", "howdy", "yo",
            "hai", "helo");
    private static final Map<String, String> CANONICAL = new HashMap<>();
    /** Vocabulary by its letters with runs collapsed ("helo" → hello), to undo elongation ("hellooo"). */
    private static final Map<String, List<String>> VOCABULARY = new HashMap<>();

    static {
        OPENERS.forEach((canonical, variants) -> variants.forEach(v -> {
            CANONICAL.put(v, canonical);
            for (String w : v.split(" ")) {
                List<String> words = VOCABULARY.computeIfAbsent(collapse(w), k -> new ArrayList<>());
                if (!words.contains(w)) {
                    words.add(w);
                }
            }
        }));
        GREETING_WORDS.forEach(w -> CANONICAL.putIfAbsent(w, "hi"));
    }

    private static Map<String, List<String>> openers() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("hi", List.of("hi", "hii", "hey", "heyy", "hello", "hallo", "hiya", "heya", "howdy", "yo", "hai", "hi there",
                "hey there", "hello there", "hey you", "hi hi"));
        m.put("hello again", List.of("hello again", "hi again", "hey again", "im back", "i am back", "back again"));
        m.put("good morning", List.of("good morning", "morning", "gm", "mornin", "good mornin", "goodmorning"));
        m.put("good afternoon", List.of("good afternoon", "afternoon"));
        m.put("good evening", List.of("good evening", "evening"));
        m.put("good night", List.of("good night", "goodnight", "night", "gn", "nite", "night night"));
        m.put("how are you", List.of("how are you", "how are u", "how r u", "how r you", "how are you doing", "how are you today",
                "how are you doing today", "hows it going", "how is it going", "how do you do", "how you doing", "how ya doing",
                "how are things", "you ok", "are you ok", "how have you been"));
        m.put("whats up", List.of("whats up", "wassup", "wasup", "sup", "what up", "whatsup", "whats new", "what is up"));
        m.put("are you there", List.of("are you there", "you there", "u there", "anyone there", "is anyone there", "are you here"));
        m.put("can we talk", List.of("can we talk", "can i talk to you", "can we chat", "wanna talk", "want to talk", "can i talk",
                "lets talk", "i want to talk"));
        m.put("who are you", List.of("who are you", "what are you", "whats your name", "what is your name", "who is this"));
        m.put("what can you do", List.of("what can you do", "what do you do", "how does this work", "what is this"));
        m.put("thank you", List.of("thank you", "thanks", "thx", "ty", "thank u", "thanks a lot", "thank you so much"));
        m.put("hola", List.of("hola"));
        m.put("namaste", List.of("namaste"));
        m.put("bonjour", List.of("bonjour"));
        return m;
    }

    /** The canonical opener when the turn is cacheable, else null. */
    public static String cacheableText(String message, boolean hasContext, boolean hasMemories, boolean hasName,
            boolean hasCustomPersona, boolean highRisk) {
        if (hasContext || hasMemories || hasName || hasCustomPersona || highRisk || message == null) {
            return null;
        }
        String n = normalise(message);
        if (n.isEmpty() || n.length() > MAX_CACHEABLE_CHARS) {
            return null;
        }
        return opener(n);
    }

    /**
     * Lower case, no punctuation, emoji or apostrophes, single spaces, elongated known words shortened
     * ("hiii" → hi, "goood morninggg" → good morning), and the companion's own name dropped ("hey oviya").
     */
    static String normalise(String message) {
        String n = message.toLowerCase(Locale.ROOT).replace("’", "").replace("'", "")
                .replaceAll("[^\\p{L}\\p{N} ]+", " ").replaceAll("\\s+", " ").strip();
        if (n.isEmpty()) {
            return n;
        }
        List<String> words = new ArrayList<>();
        for (String w : n.split(" ")) {
            String word = unstretch(w);
            if (!word.equals("oviya")) {
                words.add(word);
            }
        }
        return String.join(" ", words);
    }

    /** The canonical form of a known opener, alone or after a greeting word; null for anything else. */
    static String opener(String normalised) {
        String whole = CANONICAL.get(normalised);
        if (whole != null) {
            return whole;
        }
        int space = normalised.indexOf(' ');
        if (space > 0 && GREETING_WORDS.contains(normalised.substring(0, space))) {
            String rest = CANONICAL.get(normalised.substring(space + 1));
            if (rest != null && !rest.equals("hi")) {
                return "hi " + rest;
            }
        }
        return null;
    }

    /** A known word written with letters repeated ("hellooo", "heyyy") → that word; anything else unchanged. */
    private static String unstretch(String w) {
        List<String> candidates = VOCABULARY.get(collapse(w));
        if (candidates == null) {
            return w;
        }
        for (String c : candidates) {
            if (stretches(w, c)) {
                return c;
            }
        }
        return w;
    }

    /** Letters with runs of the same letter collapsed to one: "hellooo" → "helo". */
    private static String collapse(String w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < w.length(); i++) {
            if (i == 0 || w.charAt(i) != w.charAt(i - 1)) {
                sb.append(w.charAt(i));
            }
        }
        return sb.toString();
    }

    /** True when w is word with some letters repeated more (same letters in the same order, each run at least as long). */
    private static boolean stretches(String w, String word) {
        int i = 0;
        int j = 0;
        while (i < w.length() && j < word.length()) {
            char c = word.charAt(j);
            if (w.charAt(i) != c) {
                return false;
            }
            int runW = 0;
            while (i < w.length() && w.charAt(i) == c) {
                i++;
                runW++;
            }
            int runWord = 0;
            while (j < word.length() && word.charAt(j) == c) {
                j++;
                runWord++;
            }
            if (runW < runWord) {
                return false;
            }
        }
        return i == w.length() && j == word.length();
    }

    public String key(String normalised, String emotion, String personaVersion, String provider, String model) {
        String material = String.join("\u0000", normalised, emotion, personaVersion, provider, model);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return prefix + ":" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Uni<Entry> get(String key) {
        return redis.execute("HMGET", key, "text", "model")
                .map(r -> {
                    if (r == null || r.size() < 2 || r.get(0) == null) {
                        return null;
                    }
                    return new Entry(r.get(0).toString(), r.get(1) == null ? "" : r.get(1).toString());
                })
                .onFailure().recoverWithItem(err -> {
                    LOG.debugf("response cache unavailable: %s", err.toString());
                    return null;
                })
                .invoke(e -> {
                    (e == null ? misses : hits).incrementAndGet();
                    count(e == null ? "miss" : "hit");
                });
    }

    public Uni<Void> put(String key, Entry entry) {
        return redis.execute("HSET", key, "text", entry.text(), "model", entry.model())
                .chain(() -> redis.execute("PEXPIRE", key, Long.toString(ttl.toMillis())))
                .replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    public double hitRate() {
        long h = hits.get();
        long total = h + misses.get();
        return total == 0 ? 0 : (double) h / total;
    }

    private void count(String result) {
        if (metrics != null) {
            metrics.counter("oviya_ai_response_cache", "result", result).increment();
        }
    }
}
