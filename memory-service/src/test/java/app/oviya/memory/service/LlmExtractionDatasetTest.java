package app.oviya.memory.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.oviya.memory.client.AnthropicStructuredClient;
import app.oviya.memory.client.FakeModelServer;
import app.oviya.memory.client.OpenAiStructuredClient;
import app.oviya.memory.client.StructuredOutputModel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Evaluation harness: the committed extraction dataset through the LLM extractor against a real
 * provider, printing precision and recall next to the rules' figures. It costs money and needs the
 * network, so it only runs when asked: MEMORY_EXTRACTION_EVAL=true plus ANTHROPIC_API_KEY (or
 * OPENAI_BASE_URL, with OPENAI_API_KEY if the server needs one); MEMORY_EXTRACTION_MODEL picks the
 * model. Otherwise it is skipped with a note. No floors are asserted: a model's figures are a
 * measurement to report (docs/memory-benchmarks.md), not a build gate.
 *
 * <pre>
 * MEMORY_EXTRACTION_EVAL=true ANTHROPIC_API_KEY=... ./mvnw -B test -pl memory-service -Dtest=LlmExtractionDatasetTest
 * </pre>
 */
class LlmExtractionDatasetTest {

    static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** Runs the dataset through the model, prints the figures, and returns the score. */
    static ExtractionDatasetTest.Score evaluate(StructuredOutputModel model, List<ExtractionDatasetTest.Example> examples,
            SimpleMeterRegistry metrics) {
        // Large budget: the evaluation measures the model, not our deadline; fallbacks are counted and reported.
        LlmExtractor extractor = new LlmExtractor(model, new RuleBasedExtractor(),
                new ExtractionSchema(new ExtractionSchema.Limits(10, 300, 4000, 1024)), Duration.ofSeconds(60), metrics);
        Instant sentAt = ExtractionDatasetTest.SENT_ON.atTime(9, 0).toInstant(java.time.ZoneOffset.UTC);
        long started = System.nanoTime();
        ExtractionDatasetTest.Score score = ExtractionDatasetTest.score(examples,
                message -> extractor.extract(new Extractor.Turn(message, sentAt)).await().atMost(Duration.ofSeconds(90)));
        double seconds = (System.nanoTime() - started) / 1e9;
        score.print("LLM extraction (" + model.provider() + ", " + model.model() + ")");
        double fallbacks = metrics.find("oviya.memory.extraction.fallbacks").counters().stream().mapToDouble(Counter::count).sum();
        double input = metrics.find("oviya.memory.extraction.tokens").tag("type", "input").counters().stream().mapToDouble(Counter::count).sum();
        double output = metrics.find("oviya.memory.extraction.tokens").tag("type", "output").counters().stream().mapToDouble(Counter::count).sum();
        System.out.printf(Locale.ROOT, "%d turns fell back to the rules; tokens in %.0f, out %.0f (%.0f / %.0f per message); %.1f s in all%n",
                (long) fallbacks, input, output, input / score.messages(), output / score.messages(), seconds);
        List<String> byReason = metrics.find("oviya.memory.extraction.fallbacks").counters().stream()
                .map(c -> c.getId().getTag("reason") + "=" + (long) c.count()).toList();
        if (!byReason.isEmpty()) {
            System.out.println("fallbacks by reason: " + byReason);
        }
        return score;
    }

    /** The harness itself works (a few messages against the fake server, which remembers nothing), so it is not first run on a paid key. */
    @Test
    void theHarnessRunsAgainstAFakeModel() throws Exception {
        Vertx vertx = Vertx.vertx();
        WebClient web = WebClient.create(vertx);
        try (FakeModelServer fake = new FakeModelServer()) {
            SimpleMeterRegistry metrics = new SimpleMeterRegistry();
            ExtractionDatasetTest.Score score = evaluate(new AnthropicStructuredClient(web, fake.baseUrl(), Optional.of("sk-ant-test"),
                    "claude-haiku-4-5", Duration.ofSeconds(5)), ExtractionDatasetTest.dataset().subList(0, 12), metrics);
            assertEquals(12, fake.received().size(), "one call per message");
            assertEquals(0, score.produced());
            assertEquals(score.silent(), score.silentRespected());
            assertEquals(0, metrics.find("oviya.memory.extraction.fallbacks").counters().size());
        } finally {
            web.close();
            vertx.closeAndAwait();
        }
    }

    @Test
    void precisionAndRecallOfTheModelOnTheCommittedDataset() throws IOException {
        String anthropicKey = env("ANTHROPIC_API_KEY");
        String openAiUrl = env("OPENAI_BASE_URL");
        boolean asked = "true".equalsIgnoreCase(env("MEMORY_EXTRACTION_EVAL"));
        if (!asked || (anthropicKey == null && openAiUrl == null)) {
            String note = "LLM extraction evaluation skipped: set MEMORY_EXTRACTION_EVAL=true and ANTHROPIC_API_KEY (or OPENAI_BASE_URL) "
                    + "to run the committed dataset through a real model (needs the network; about 129 small calls).";
            System.out.println(note);
            Assumptions.abort(note);
        }
        Vertx vertx = Vertx.vertx();
        WebClient web = WebClient.create(vertx);
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try {
            Duration timeout = Duration.ofSeconds(30);
            StructuredOutputModel model = anthropicKey != null
                    ? new AnthropicStructuredClient(web, Optional.ofNullable(env("ANTHROPIC_BASE_URL")).orElse("https://api.anthropic.com"),
                            Optional.of(anthropicKey), Optional.ofNullable(env("MEMORY_EXTRACTION_MODEL")).orElse("claude-haiku-4-5"), timeout)
                    : new OpenAiStructuredClient(web, openAiUrl, Optional.ofNullable(env("OPENAI_API_KEY")),
                            Optional.ofNullable(env("MEMORY_EXTRACTION_MODEL")).orElse("gpt-4o-mini"), timeout,
                            OpenAiStructuredClient.Style.of(Optional.ofNullable(env("MEMORY_EXTRACTION_OPENAI_STYLE")).orElse("json_schema")));
            evaluate(model, ExtractionDatasetTest.dataset(), metrics);
        } finally {
            web.close();
            vertx.closeAndAwait();
        }
    }
}
