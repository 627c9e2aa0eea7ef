package app.oviya.ai.service;

import app.oviya.ai.config.AiConfig;
import app.oviya.ai.provider.CompanionTurn;
import app.oviya.ai.provider.LlmProvider;
import app.oviya.ai.provider.OfflineProvider;
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
import app.oviya.common.metrics.TurnClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
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

    private final EmotionClassifier emotions;
    private final CrisisDetector crisis;
    private final Persona persona;
    private final ProviderSelector providers;
    private final OfflineProvider offline;
    private final UsageLedger ledger;
    private final AiConfig config;
    private final SemanticCrisisDetector semanticCrisis;
    private final MeterRegistry metrics;

    public CompanionAgent(EmotionClassifier emotions, CrisisDetector crisis, SemanticCrisisDetector semanticCrisis, Persona persona,
            ProviderSelector providers, OfflineProvider offline, UsageLedger ledger, AiConfig config, MeterRegistry metrics) {
        this.metrics = metrics;
        this.semanticCrisis = semanticCrisis;
        this.offline = offline;
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

        String customPersona = customPersona(request);
        String country = request.getCountry().isBlank() ? config.crisis().defaultCountry() : request.getCountry().strip();

        TurnClock clock = new TurnClock(metrics, "oviya.ai.turn");
        boolean phraseRisk = crisis.assess(text) == CrisisDetector.Risk.HIGH;
        // The embedding model is CPU work: off the event loop, then the turn continues. One embedding serves
        // the emotion and the semantic crisis check (beyond the phrase list).
        return emotions.analyseAsync(text, request.getMessageEmbeddingList(), request.getMessageEmbeddingModel()).onItem().transformToMulti(analysis -> {
            clock.mark("analysed");
            boolean highRisk = phraseRisk || semanticCrisis.highRisk(analysis.vector());
            if (highRisk) {
                // Audited without the message text.
                AUDIT.warnf("crisis risk=high source=%s user=%s conversation=%s country=%s", phraseRisk ? "phrases" : "semantic",
                        userId, conversationId, country);
            }
            return turn(request, text, userId, conversationId, customPersona, country, analysis.emotion(), highRisk, clock);
        });
    }

    private Multi<GenerateEvent> turn(GenerateRequest request, String text, UUID userId, UUID conversationId,
            String customPersona, String country, EmotionDetector.Emotion emotion, boolean highRisk, TurnClock clock) {
        LlmProvider provider = providers.active();
        List<String> memories = memories(request.getMemoriesList());
        PromptAssembler.Prompt prompt = PromptAssembler.assemble(persona.system(customPersona, request.getDisplayName()),
                history(request.getContextList()), turnContext(emotion, memories, highRisk), text, config.promptTokenBudget());
        CompanionTurn turn = new CompanionTurn(prompt.system(), prompt.history(), prompt.turnContext(), text,
                emotion.label(), emotion.intensity(), memories, request.getDisplayName(), config.maxTokens(),
                prompt.system().startsWith(persona.text()) ? persona.text().length() : prompt.system().length());
        AtomicReference<String> answeredBy = new AtomicReference<>(provider.name());
        AtomicReference<Boolean> answeredOffline = new AtomicReference<>(provider.offline());
        AdmissionController admission = providers.admission();
        // Crisis turns are never held back by budgets or queues.
        Multi<ProviderEvent> live = admission == null || highRisk ? provider.stream(turn)
                : admission.admit(request.getPlan(), prompt.estimatedTokens() + config.maxTokens())
                        .onItem().transformToMulti(ticket -> provider.stream(turn).onSubscription().invoke(() -> clock.mark("admitted"))
                                .onItem().invoke(event -> {
                            if (event instanceof ProviderEvent.Done d) {
                                // The budget was charged with an estimate: correct it with the real usage.
                                admission.settle(ticket, AdmissionController.usedTokens(d.inputTokens(), d.cacheWriteTokens(),
                                        d.outputTokens())).subscribe().with(x -> { }, err -> { });
                            }
                        }));
        ResponseCache cache = providers.responseCache();
        String cacheable = cache == null ? null : ResponseCache.cacheableText(text, request.getContextCount() > 0,
                !memories.isEmpty(), !request.getDisplayName().isBlank(), customPersona != null, highRisk);
        String cacheKey = cacheable == null ? null
                : cache.key(cacheable, emotion.label(), persona.version(), provider.name(), providers.model());
        AtomicBoolean fromCache = new AtomicBoolean();
        Multi<ProviderEvent> replies = cacheKey == null ? live : cache.get(cacheKey).onItem().transformToMulti(hit -> {
            if (hit == null) {
                return live;
            }
            fromCache.set(true);
            List<ProviderEvent> events = new ArrayList<>();
            OfflineProvider.chunks(hit.text()).forEach(c -> events.add(new ProviderEvent.Delta(c)));
            events.add(new ProviderEvent.Done(hit.model(), 0, 0, 0, 0, "end_turn"));
            return Multi.createFrom().iterable(events);
        });
        if (highRisk && !provider.offline()) {
            // A person at risk always gets an answer and the resources, even when the provider is down.
            replies = replies.onFailure().recoverWithMulti(err -> {
                AUDIT.warnf("crisis turn answered offline after provider failure user=%s", userId);
                answeredBy.set(offline.name());
                answeredOffline.set(true);
                return offline.stream(turn);
            });
        }

        Emotion emotionProto = Emotion.newBuilder().setLabel(emotion.label()).setIntensity(emotion.intensity()).build();
        AtomicReference<ProviderEvent.Done> done = new AtomicReference<>();
        StringBuilder replyText = new StringBuilder();
        Multi<GenerateEvent> deltas = replies.onItem().transformToUniAndConcatenate(event -> {
            if (event instanceof ProviderEvent.Delta d) {
                clock.firstDelta();
                replyText.append(d.text());
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
                    .setProvider(answeredBy.get())
                    .setModel(d.model())
                    .setOffline(answeredOffline.get())
                    .setEmotion(emotionProto)
                    .setStopReason(d.stopReason())
                    .setUsage(Usage.newBuilder().setInputTokens(d.inputTokens()).setOutputTokens(d.outputTokens())
                            .setCacheReadInputTokens(d.cacheReadTokens()).setCacheCreationInputTokens(d.cacheWriteTokens()));
            if (highRisk) {
                String resources = crisisResources(country);
                out.add(GenerateEvent.newBuilder().setDelta("\n\n" + resources).build());
                completed.setSafety(Safety.newBuilder().setKind("crisis_resources").setMessage(resources));
            }
            out.add(GenerateEvent.newBuilder().setCompleted(completed).build());
            if (fromCache.get()) {
                // Served from the response cache: no provider call, nothing to bill.
                return Multi.createFrom().iterable(out);
            }
            Uni<Void> remember = cacheKey != null && "end_turn".equals(d.stopReason()) && !answeredOffline.get()
                    ? cache.put(cacheKey, new ResponseCache.Entry(replyText.toString(), d.model()))
                    : Uni.createFrom().voidItem();
            return Multi.createFrom().iterable(out)
                    .onCompletion().call(() -> ledger.record(userId, conversationId, answeredBy.get(), d).chain(() -> remember));
        });
        return Multi.createBy().concatenating().streams(
                Multi.createFrom().item(GenerateEvent.newBuilder().setEmotion(emotionProto).build()), deltas, tail);
    }

    /** What changes every turn; sent after the cached prefix, right before the user's message. */
    static String turnContext(EmotionDetector.Emotion emotion, List<String> memories, boolean highRisk) {
        StringBuilder sb = new StringBuilder("<turn_context>\nThe person's message seems to express ").append(emotion.label())
                .append(" (intensity ").append(String.format(Locale.ROOT, "%.2f", emotion.intensity())).append(").");
        if (!memories.isEmpty()) {
            sb.append("\nWhat you remember about them (use only if relevant):");
            for (String m : memories) {
                sb.append("\n- ").append(m);
            }
        }
        if (highRisk) {
            sb.append("\nThey may be at risk of harming themselves: respond with care, take it seriously, and encourage them"
                    + " to contact crisis services and people they trust. Crisis resources are added after your reply.");
        }
        return sb.append("\n</turn_context>").toString();
    }

    private String customPersona(GenerateRequest request) {
        String custom = request.getCustomPersona().strip();
        if (custom.isEmpty()) {
            return null;
        }
        if (custom.codePointCount(0, custom.length()) > config.customPersonaMaxChars()) {
            throw ServiceException.validation("customPersona must be at most " + config.customPersonaMaxChars() + " characters");
        }
        // A premium feature; other plans get the standard persona.
        return "premium".equalsIgnoreCase(request.getPlan()) ? custom : null;
    }

    String crisisResources(String country) {
        String configured = config.crisis().resources().get(country.toLowerCase(Locale.ROOT));
        if (configured == null || configured.isBlank()) {
            configured = config.crisis().resources().get(config.crisis().defaultCountry().toLowerCase(Locale.ROOT));
        }
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
