package app.oviya.ai.service;

import app.oviya.ai.config.AiConfig;
import app.oviya.ai.provider.CompanionTurn;
import app.oviya.ai.provider.LlmProvider;
import app.oviya.ai.provider.ProviderEvent;
import app.oviya.ai.v1.Completed;
import app.oviya.ai.v1.ContextMessage;
import app.oviya.ai.v1.Emotion;
import app.oviya.ai.v1.GenerateEvent;
import app.oviya.ai.v1.GenerateRequest;
import app.oviya.ai.v1.MemorySnippet;
import app.oviya.ai.v1.Safety;
import app.oviya.ai.v1.Usage;
import app.oviya.common.error.ServiceException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * One turn of the companion: detect emotion and crisis risk, assemble the prompt, stream the
 * provider's reply, add crisis resources when needed, and record the usage.
 */
@ApplicationScoped
public class CompanionAgent {

    private static final Logger AUDIT = Logger.getLogger("app.oviya.ai.audit");
    static final int MAX_USER_MESSAGE = 4000;

    private final EmotionDetector emotions;
    private final CrisisDetector crisis;
    private final Persona persona;
    private final ProviderSelector providers;
    private final UsageLedger ledger;
    private final AiConfig config;

    public CompanionAgent(EmotionDetector emotions, CrisisDetector crisis, Persona persona, ProviderSelector providers,
            UsageLedger ledger, AiConfig config) {
        this.emotions = emotions;
        this.crisis = crisis;
        this.persona = persona;
        this.providers = providers;
        this.ledger = ledger;
        this.config = config;
    }

    public Multi<GenerateEvent> generate(GenerateRequest request) {
        String text = request.getUserMessage().strip();
        if (text.isEmpty()) {
            throw ServiceException.validation("userMessage is required");
        }
        // Characters (code points), as chat-service counts them: an emoji is one character, not two.
        if (text.codePointCount(0, text.length()) > MAX_USER_MESSAGE) {
            throw ServiceException.validation("userMessage must be at most " + MAX_USER_MESSAGE + " characters");
        }
        UUID userId = parse(request.getUserId(), "userId");
        UUID conversationId = request.getConversationId().isBlank() ? null : parse(request.getConversationId(), "conversationId");

        EmotionDetector.Emotion emotion = emotions.detect(text);
        boolean highRisk = crisis.assess(text) == CrisisDetector.Risk.HIGH;
        if (highRisk) {
            // Audited without the message text.
            AUDIT.warnf("crisis risk=high user=%s conversation=%s", userId, conversationId);
        }
        LlmProvider provider = providers.active();
        CompanionTurn turn = new CompanionTurn(systemPrompt(emotion, highRisk), history(request.getContextList()), text,
                emotion.label(), emotion.intensity(), memories(request.getMemoriesList()), request.getDisplayName(),
                config.maxTokens());

        Emotion emotionProto = Emotion.newBuilder().setLabel(emotion.label()).setIntensity(emotion.intensity()).build();
        AtomicReference<ProviderEvent.Done> done = new AtomicReference<>();
        Multi<GenerateEvent> deltas = provider.stream(turn).onItem().transformToUniAndConcatenate(event -> {
            if (event instanceof ProviderEvent.Delta d) {
                return Uni.createFrom().item(GenerateEvent.newBuilder().setDelta(d.text()).build());
            }
            done.set((ProviderEvent.Done) event);
            return Uni.createFrom().nullItem();
        });
        Multi<GenerateEvent> tail = Multi.createFrom().deferred(() -> {
            ProviderEvent.Done d = done.get();
            if (d == null) {
                return Multi.createFrom().failure(ServiceException.unavailable("the AI provider ended the reply early"));
            }
            List<GenerateEvent> out = new ArrayList<>();
            Completed.Builder completed = Completed.newBuilder()
                    .setProvider(provider.name())
                    .setModel(d.model())
                    .setOffline(provider.offline())
                    .setEmotion(emotionProto)
                    .setStopReason(d.stopReason())
                    .setUsage(Usage.newBuilder().setInputTokens(d.inputTokens()).setOutputTokens(d.outputTokens())
                            .setCacheReadInputTokens(d.cacheReadTokens()).setCacheCreationInputTokens(d.cacheWriteTokens()));
            if (highRisk) {
                String resources = crisisResources(config.crisis().defaultCountry());
                out.add(GenerateEvent.newBuilder().setDelta("\n\n" + resources).build());
                completed.setSafety(Safety.newBuilder().setKind("crisis_resources").setMessage(resources));
            }
            out.add(GenerateEvent.newBuilder().setCompleted(completed).build());
            return Multi.createFrom().iterable(out)
                    .onCompletion().call(() -> ledger.record(userId, conversationId, provider.name(), d));
        });
        return Multi.createBy().concatenating().streams(
                Multi.createFrom().item(GenerateEvent.newBuilder().setEmotion(emotionProto).build()), deltas, tail);
    }

    String systemPrompt(EmotionDetector.Emotion emotion, boolean highRisk) {
        StringBuilder sb = new StringBuilder(persona.text());
        sb.append("\n\nThe person's message seems to express ").append(emotion.label())
                .append(" (intensity ").append(String.format(Locale.ROOT, "%.2f", emotion.intensity())).append(").");
        if (highRisk) {
            sb.append(" They may be at risk of harming themselves: respond with care, take it seriously, and encourage them"
                    + " to contact crisis services and people they trust.");
        }
        return sb.toString();
    }

    String crisisResources(String country) {
        String configured = config.crisis().resources().get(country.toLowerCase(Locale.ROOT));
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        return "If you are thinking about suicide or hurting yourself, please reach out now: in the US you can call or text 988"
                + " (Suicide & Crisis Lifeline), any time. If you are in immediate danger, call 911 or your local emergency number.";
    }

    private static List<CompanionTurn.Turn> history(List<ContextMessage> context) {
        List<CompanionTurn.Turn> out = new ArrayList<>(context.size());
        for (ContextMessage m : context) {
            out.add(new CompanionTurn.Turn(m.getRole(), m.getContent()));
        }
        return out;
    }

    private static List<String> memories(List<MemorySnippet> snippets) {
        List<String> out = new ArrayList<>(snippets.size());
        for (MemorySnippet s : snippets) {
            out.add(s.getContent());
        }
        return out;
    }

    private static UUID parse(String id, String field) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ServiceException.validation(field + " must be a UUID");
        }
    }
}
