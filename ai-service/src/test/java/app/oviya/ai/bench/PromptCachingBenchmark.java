package app.oviya.ai.bench;

import app.oviya.ai.provider.AnthropicClient;
import app.oviya.ai.provider.CompanionTurn;
import app.oviya.ai.provider.FakeAnthropic;
import app.oviya.ai.provider.ProviderEvent;
import app.oviya.ai.service.PromptAssembler;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Replays a 20-turn conversation against the fake Anthropic server (which bills cache reads and
 * writes like the API) with prompt caching on and off, and prints the input tokens billed.
 * Billed-equivalent input = input + 1.25 x cache writes + 0.1 x cache reads (Anthropic's 5-minute cache prices).
 * Run: ./mvnw -B -q test -pl ai-service -Pbench -Dtest=PromptCachingBenchmark
 */
@Tag("benchmark")
class PromptCachingBenchmark {

    static final String[] USER = {
            "Hi Oviya, I had a strange day and I don't really know where to start.",
            "Work was the main thing. My manager moved the deadline for the launch forward by a whole week without asking anyone.",
            "I stayed until nine trying to get the release notes done, and then the build broke again just before I left.",
            "My partner was waiting with dinner and I felt guilty for being so late, again, for the third time this week.",
            "We didn't fight, but it was quiet, the kind of quiet where you know the other person is disappointed.",
            "I think I'm scared that I'm becoming the kind of person who always picks work, like my father did.",
            "He missed most of my school plays. I promised myself I'd never do that to the people I love.",
            "And now I'm doing something that looks a lot like it, just with a laptop instead of a briefcase.",
            "Maybe I should talk to my manager about the deadline, but I don't want to look like I can't cope.",
            "There's also a new person on the team, Priya, who seems to handle everything effortlessly.",
            "I know comparing myself to her isn't fair. She doesn't have a family waiting at home, as far as I know.",
            "Tomorrow I have a one-to-one with my manager at ten. I could bring it up then, I suppose.",
            "What would I even say? That the plan isn't realistic? They'll ask for an alternative plan.",
            "Okay, I could propose cutting the analytics dashboard from the first release. Nobody uses it on day one anyway.",
            "That actually feels doable. It would save maybe three days of work for the two of us.",
            "I also want to make it up to my partner. We used to go for walks on Sunday mornings by the river.",
            "That's a good idea. I'll suggest it tonight, and I'll leave my phone at home when we go.",
            "Thank you for listening, it helps to lay it all out like this instead of going round in circles.",
            "I feel a bit lighter now. Still nervous about tomorrow, but it's a normal kind of nervous.",
            "I'll tell you how the meeting goes. Good night, Oviya."};

    static final String REPLY = "That sounds like a lot to carry, and it makes sense that it stayed with you. It's clear how much you"
            + " care about doing right by the people you love, and noticing the pattern is already a step away from it."
            + " What part of it feels heaviest right now, the work itself or what it's costing at home?";

    /** The configured model (ANTHROPIC_MODEL default): its minimum cacheable prefix is 1024 tokens. */
    static final String MODEL = "claude-sonnet-4-5";

    @Test
    void twentyTurnConversationWithAndWithoutPromptCaching() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            for (String version : new String[] {"v1", "v2"}) {
                long[] on = replay(vertx, version, true);
                long[] off = replay(vertx, version, false);
                double billedOn = on[0] + 1.25 * on[1] + 0.1 * on[2];
                double billedOff = off[0] + 1.25 * off[1] + 0.1 * off[2];
                System.out.printf(Locale.ROOT, "%nPROMPT CACHING BENCHMARK (20 turns, persona %s, %s, token budget 8000)%n", version,
                        MODEL);
                System.out.printf(Locale.ROOT, "  caching off: input=%d cache_write=%d cache_read=%d billed-equivalent=%.0f%n", off[0],
                        off[1], off[2], billedOff);
                System.out.printf(Locale.ROOT, "  caching on : input=%d cache_write=%d cache_read=%d billed-equivalent=%.0f%n", on[0],
                        on[1], on[2], billedOn);
                System.out.printf(Locale.ROOT, "  ratio on/off = %.3f (goal <= 0.3)%n", billedOn / billedOff);
                double lateOn = on[3] + 1.25 * on[4] + 0.1 * on[5];
                double lateOff = off[3] + 1.25 * off[4] + 0.1 * off[5];
                System.out.printf(Locale.ROOT, "  turns 11-20 only: ratio on/off = %.3f%n%n", lateOn / lateOff);
            }
        } finally {
            vertx.close();
        }
    }

    private static long[] replay(Vertx vertx, String personaVersion, boolean caching) throws IOException {
        String persona;
        try (InputStream in = PromptCachingBenchmark.class.getResourceAsStream("/persona/" + personaVersion + ".txt")) {
            persona = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        long[] totals = new long[6];
        try (FakeAnthropic fake = new FakeAnthropic(vertx)) {
            fake.always(fake.text(REPLY));
            AnthropicClient client = new AnthropicClient(vertx, new AnthropicClient.Settings(fake.baseUrl(), "k", MODEL, null,
                    512, Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), caching));
            List<CompanionTurn.Turn> history = new ArrayList<>();
            for (String user : USER) {
                String context = "<turn_context>\nThe person's message seems to express anxiety (intensity 0.55).\n"
                        + "What you remember about them (use only if relevant):\n- User has a partner\n- User works on a product launch\n"
                        + "</turn_context>";
                PromptAssembler.Prompt p = PromptAssembler.assemble(persona, history, context, user, 8000);
                CompanionTurn turn = new CompanionTurn(p.system(), p.history(), p.turnContext(), user, "anxiety", 0.55, List.of(),
                        "", 512);
                List<ProviderEvent> events = client.stream(turn, MODEL).collect().asList().await()
                        .atMost(Duration.ofSeconds(10));
                ProviderEvent.Done d = (ProviderEvent.Done) events.get(events.size() - 1);
                totals[0] += d.inputTokens();
                totals[1] += d.cacheWriteTokens();
                totals[2] += d.cacheReadTokens();
                if (history.size() >= 20) {
                    // Turns 11..20: the steady state once the prefix is past the 1024-token cache minimum.
                    totals[3] += d.inputTokens();
                    totals[4] += d.cacheWriteTokens();
                    totals[5] += d.cacheReadTokens();
                }
                history.add(new CompanionTurn.Turn("user", user));
                history.add(new CompanionTurn.Turn("assistant", REPLY));
            }
        }
        return totals;
    }
}
