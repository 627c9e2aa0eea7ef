package app.oviya.memory.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** MEMORY_EXTRACTION=rules|llm|auto and the provider: which extractor a configuration gets. */
class ExtractionConfigTest {

    static String pick(String mode, String provider, boolean anthropicKey, boolean openAiUrl) {
        ExtractionConfig.Choice c = ExtractionConfig.choose(mode, Optional.ofNullable(provider), anthropicKey, openAiUrl);
        return c.extractor() + (c.provider() == null ? "" : ":" + c.provider());
    }

    @Test
    void autoUsesTheModelWhenAProviderIsConfiguredAndTheRulesOtherwise() {
        assertEquals("rules", pick("auto", null, false, false));
        assertEquals("llm:anthropic", pick("auto", null, true, false));
        assertEquals("llm:anthropic", pick("auto", null, true, true));
        assertEquals("llm:openai", pick("auto", null, false, true));
        assertEquals("llm:openai", pick("AUTO", "openai", true, true));
        assertEquals("rules", pick("auto", "openai", true, false), "openai asked for but no URL: auto falls back to the rules");
    }

    @Test
    void rulesIsAlwaysRules() {
        assertEquals("rules", pick("rules", null, true, true));
    }

    @Test
    void llmWithoutAProviderRefusesToStartWithTheFix() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pick("llm", null, false, false));
        assertTrue(e.getMessage().contains("ANTHROPIC_API_KEY"), e.getMessage());
        IllegalStateException e2 = assertThrows(IllegalStateException.class, () -> pick("llm", "openai", true, false));
        assertTrue(e2.getMessage().contains("OPENAI_BASE_URL"), e2.getMessage());
        assertEquals("llm:anthropic", pick("llm", "anthropic", true, false));
    }

    @Test
    void unknownModesAndProvidersAreRefused() {
        assertThrows(IllegalStateException.class, () -> pick("smart", null, true, false));
        assertThrows(IllegalStateException.class, () -> pick("llm", "gemini", true, false));
    }
}
