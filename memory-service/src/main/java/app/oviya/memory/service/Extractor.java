package app.oviya.memory.service;

import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

/**
 * Turns one user turn into memory candidates. Two implementations, chosen by configuration
 * ({@code MEMORY_EXTRACTION}, see config/ExtractionSetup): the offline {@link RuleBasedExtractor}
 * and the {@link LlmExtractor}, which asks a model for structured output and falls back to the
 * rules for that turn when the model fails. Consolidation and storage are not the extractor's job.
 */
public interface Extractor {

    /** The memory kinds an extractor may produce; anything else is dropped. */
    Set<String> KINDS = Set.of("fact", "preference", "person", "event", "goal", "feeling");

    /** For logs and metrics: "rules" or "llm". */
    String name();

    /** Never fails for a well-formed turn: an extractor that cannot do better returns what the rules find. */
    Uni<List<Candidate>> extract(Turn turn);

    /**
     * The user's own words and when they were sent. Nothing else of the conversation reaches an
     * extractor: the contract (ExtractFromTurnRequest) carries neither the assistant's reply nor the
     * system prompt. Relative dates resolve against {@code sentOn}, the UTC day of {@code sentAt}.
     */
    record Turn(String userText, Instant sentAt) {

        public LocalDate sentOn() {
            return sentAt.atZone(ZoneOffset.UTC).toLocalDate();
        }
    }
}
