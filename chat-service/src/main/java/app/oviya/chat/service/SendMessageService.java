package app.oviya.chat.service;

import app.oviya.ai.v1.ContextMessage;
import app.oviya.ai.v1.GenerateEvent;
import app.oviya.ai.v1.GenerateRequest;
import app.oviya.ai.v1.MemorySnippet;
import app.oviya.chat.client.AiClient;
import app.oviya.chat.client.MemoryClient;
import app.oviya.chat.config.ChatConfig;
import app.oviya.chat.repository.ConversationEntity;
import app.oviya.chat.repository.ConversationRepository;
import app.oviya.chat.repository.MessageEntity;
import app.oviya.chat.repository.MessageRepository;
import app.oviya.chat.repository.UserMessageInserts;
import app.oviya.chat.v1.ChatError;
import app.oviya.chat.v1.ChatEvent;
import app.oviya.chat.v1.ReplyDelta;
import app.oviya.chat.v1.SendMessageRequest;
import app.oviya.common.concurrent.Offload;
import app.oviya.common.error.ErrorCode;
import app.oviya.common.metrics.TurnClock;
import io.micrometer.core.instrument.MeterRegistry;
import app.oviya.common.error.ServiceException;
import app.oviya.memory.v1.Memory;
import app.oviya.memory.v1.SearchResponse;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The send-message orchestration: the user message is durable before anything else happens;
 * then context, memories (best effort) and the AI's streamed reply, which is stored complete,
 * or partial when the stream breaks or the client goes away; finally memory extraction, which
 * never holds up the reply.
 */
@ApplicationScoped
public class SendMessageService {

    private static final Logger LOG = Logger.getLogger(SendMessageService.class);
    static final int MAX_CONTENT = 4000;
    static final int MAX_IDEMPOTENCY_KEY = 200;

    private final ConversationRepository conversations;
    private final MessageRepository messages;
    private final AiClient ai;
    private final MemoryClient memory;
    private final ChatConfig config;
    private final ContextCache contextCache;
    private final ReplyStreams streams;
    private final ReadRouter reads;
    private final MeterRegistry metrics;
    private final UserMessageInserts inserts;

    public SendMessageService(ConversationRepository conversations, MessageRepository messages, AiClient ai, MemoryClient memory,
            ChatConfig config, ContextCache contextCache, ReplyStreams streams, ReadRouter reads, MeterRegistry metrics,
            UserMessageInserts inserts) {
        this.inserts = inserts;
        this.reads = reads;
        this.metrics = metrics;
        this.contextCache = contextCache;
        this.streams = streams;
        this.conversations = conversations;
        this.messages = messages;
        this.ai = ai;
        this.memory = memory;
        this.config = config;
    }

    /** The stored user message and, when this send was already answered, the stored reply. */
    record Stored(MessageEntity message, MessageEntity reply, boolean fresh) {
        Stored(MessageEntity message, MessageEntity reply) {
            this(message, reply, false);
        }
    }

    public Multi<ChatEvent> send(SendMessageRequest request) {
        UUID userId = Ids.user(request.getUserId());
        UUID conversationId = Ids.resource(request.getConversationId(), "conversation");
        String content = request.getContent().strip();
        if (content.isEmpty()) {
            throw ServiceException.validation("content is required");
        }
        if (content.codePointCount(0, content.length()) > MAX_CONTENT) {
            throw ServiceException.validation("content must be at most " + MAX_CONTENT + " characters");
        }
        String key = request.getIdempotencyKey().isBlank() ? null : request.getIdempotencyKey().strip();
        if (key != null && key.length() > MAX_IDEMPOTENCY_KEY) {
            throw ServiceException.validation("Idempotency-Key must be at most " + MAX_IDEMPOTENCY_KEY + " characters");
        }
        Context context = Vertx.currentContext();
        AtomicLong seq = new AtomicLong();
        TurnClock clock = new TurnClock(metrics, "oviya.chat.turn");
        // The memory search needs only the user and the text: it runs while the message is stored and the
        // reply is locked, instead of after (it never fails: no memories on error or deadline). A send
        // that turns out to be a replay or a re-attach does not use it.
        Uni<SearchResponse> memories = memory.search(userId.toString(), content, config.memoriesPerTurn())
                .onItem().invoke(() -> clock.mark("memories"))
                .memoize().indefinitely();
        memories.subscribe().with(found -> { }, failure -> { });
        return storeUserMessage(userId, conversationId, content, key)
                // The recent-context cache and the read-your-writes position are independent: both at once.
                .call(stored -> stored.fresh()
                        ? Uni.combine().all().unis(contextCache.append(stored.message()), reads.wrote(userId)).discardItems()
                        : Uni.createFrom().voidItem())
                .onItem().transformToMulti(stored -> {
            clock.mark("stored");
            ChatEvent created = event(seq, ChatEvent.newBuilder().setMessageCreated(Messages.toProto(stored.message())));
            if (stored.reply() != null && !"failed".equals(stored.reply().status)) {
                return Multi.createFrom().items(created,
                        event(seq, ChatEvent.newBuilder().setReplyCompleted(Messages.toProto(stored.reply()))));
            }
            return generateOrAttach(stored, created, Profile.of(request), context, seq, clock, memories);
        });
    }

    /**
     * One generator per reply: the send that takes the reply's lock asks the AI and publishes every
     * event; a concurrent duplicate (same Idempotency-Key) re-attaches to those events instead of
     * asking the AI a second time.
     */
    private Multi<ChatEvent> generateOrAttach(Stored stored, ChatEvent created, Profile profile, Context context, AtomicLong seq,
            TurnClock clock, Uni<SearchResponse> memories) {
        MessageEntity userMessage = stored.message();
        UUID replyId = replyIdOf(userMessage.id);
        return streams.tryGenerate(replyId, userMessage.userId, userMessage.conversationId).onItem().transformToMulti(generator -> {
            if (!generator) {
                return streams.tail(replyId, 0);
            }
            // Between the first look and the lock, another send may have finished the reply to a message that
            // was already stored (a retry). A message this send has just inserted has none: no second look.
            Uni<MessageEntity> answered = stored.fresh() ? Uni.createFrom().nullItem()
                    : Panache.withSession(() -> messages.findReplyTo(userMessage.id));
            return answered.onItem().transformToMulti(done -> {
                if (done != null && !"failed".equals(done.status)) {
                    return streams.release(replyId).onItem().transformToMulti(ignored -> Multi.createFrom().items(created,
                            event(seq, ChatEvent.newBuilder().setReplyCompleted(Messages.toProto(done)))));
                }
                clock.mark("locked");
                ReplyStreams.Outbox outbox = streams.outbox(replyId, userMessage.userId, userMessage.conversationId);
                return Multi.createBy().concatenating().streams(Multi.createFrom().item(created), reply(userMessage, profile, context, seq, clock, memories))
                        .onItem().invoke(outbox::add)
                        .onTermination().call((failure, cancelled) -> {
                            if (cancelled) {
                                // Whoever re-attached learns that the reply stopped (a retry replays what was kept).
                                outbox.add(event(seq, ChatEvent.newBuilder().setError(ChatError.newBuilder()
                                        .setCode(ErrorCode.UNAVAILABLE.code()).setDetail("the reply was stopped").setRetryable(true))));
                            }
                            return outbox.drained().chain(() -> streams.release(replyId));
                        });
            });
        });
    }

    /** One reply per user message, so its id follows from the user message's. */
    static UUID replyIdOf(UUID userMessageId) {
        return UUID.nameUUIDFromBytes(("reply:" + userMessageId).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The events of a reply after {@code afterSeq}: live from its stream while it is generated (or
     * while the finished stream is kept), otherwise replayed from the database. {@code messageId}
     * is the user message or the reply.
     */
    public Multi<ChatEvent> resume(String user, String conversation, String message, long afterSeq) {
        UUID userId = Ids.user(user);
        UUID conversationId = Ids.resource(conversation, "conversation");
        UUID messageId = Ids.resource(message, "message");
        long after = Math.max(0, afterSeq);
        Uni<UUID> target = Panache.withSession(() -> conversations.findOwned(userId, conversationId).chain(c -> c == null
                ? Uni.createFrom().<MessageEntity>failure(ServiceException.notFound("conversation not found"))
                : messages.find("id = ?1 and conversationId = ?2 and userId = ?3", messageId, conversationId, userId).firstResult()))
                .chain(m -> {
                    if (m != null) {
                        return Uni.createFrom().item("user".equals(m.role) ? replyIdOf(m.id) : m.id);
                    }
                    // Perhaps a reply that is still being generated (not in the database yet).
                    return streams.owner(messageId).map(o -> (userId + "|" + conversationId).equals(o) ? messageId : null);
                })
                .onItem().ifNull().failWith(() -> ServiceException.notFound("message not found"));
        return target.onItem().transformToMulti(replyId -> streams.exists(replyId).onItem().transformToMulti(live -> live
                ? streams.tail(replyId, after)
                : Panache.withSession(() -> messages.findById(replyId).chain(reply -> reply == null
                        ? Uni.createFrom().item(List.<MessageEntity>of())
                        : messages.findById(reply.replyTo).map(u -> List.of(u, reply))))
                        .onItem().transformToMulti(pair -> {
                            if (pair.isEmpty()) {
                                return Multi.createFrom().item(ChatEvent.newBuilder().setSeq(after + 1).setError(ChatError.newBuilder()
                                        .setCode(ErrorCode.UNAVAILABLE.code())
                                        .setDetail("no reply is being generated; send the message again with the same Idempotency-Key")
                                        .setRetryable(true)).build());
                            }
                            List<ChatEvent> out = new ArrayList<>();
                            if (after < 1) {
                                out.add(ChatEvent.newBuilder().setSeq(1).setMessageCreated(Messages.toProto(pair.get(0))).build());
                            }
                            out.add(ChatEvent.newBuilder().setSeq(Math.max(2, after + 1)).setReplyCompleted(Messages.toProto(pair.get(1))).build());
                            return Multi.createFrom().iterable(out);
                        })));
    }

    private Uni<Stored> storeUserMessage(UUID userId, UUID conversationId, String content, String key) {
        MessageEntity m = new MessageEntity();
        m.id = UUID.randomUUID();
        m.conversationId = conversationId;
        m.userId = userId;
        m.role = "user";
        m.content = content;
        m.status = "complete";
        m.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        m.idempotencyKey = key;
        // One statement (UserMessageInserts). A key that was used before — a retry, or a concurrent
        // duplicate that won — is a unique violation that changed nothing: answer with that send.
        return inserts.insert(m)
                .chain(stored -> stored ? Uni.createFrom().item(new Stored(m, null, true))
                        : Uni.createFrom().<Stored>failure(ServiceException.notFound("conversation not found")))
                .onFailure(SendMessageService::isUniqueViolation)
                .recoverWithUni(() -> Panache.withSession(() -> messages.findByIdempotencyKey(userId, key).chain(found -> found == null
                        ? Uni.createFrom().failure(ServiceException.conflict("a send with this Idempotency-Key is in progress"))
                        : replayOf(found, conversationId, content))));
    }

    private Uni<Stored> replayOf(MessageEntity found, UUID conversationId, String content) {
        if (!found.conversationId.equals(conversationId) || !found.content.equals(content)) {
            return Uni.createFrom().failure(ServiceException.conflict("this Idempotency-Key was already used for a different message"));
        }
        return messages.findReplyTo(found.id).map(reply -> new Stored(found, reply));
    }

    private Multi<ChatEvent> reply(MessageEntity userMessage, Profile profile, Context context, AtomicLong seq, TurnClock clock,
            Uni<SearchResponse> memories) {
        // One reply per user message, so its id follows from the user message's: concurrent duplicate
        // sends then stream deltas under the id of the reply that is finally stored.
        UUID replyId = replyIdOf(userMessage.id);
        StringBuilder text = new StringBuilder();
        AtomicBoolean finished = new AtomicBoolean();
        app.oviya.ai.v1.Emotion[] emotion = new app.oviya.ai.v1.Emotion[1];

        Uni<List<ContextMessage>> history = contextCache.newest(userMessage.conversationId,
                        () -> Panache.withSession(() -> messages.newest(userMessage.conversationId, config.contextWindow() + 1)))
                .map(rows -> contextOf(rows, userMessage.id));

        Multi<ChatEvent> stream = Uni.combine().all().unis(history, memories).asTuple()
                .onItem().transformToMulti(t -> {
                    clock.mark("prompt_inputs");
                    return ai.generate(generateRequest(userMessage, profile, t.getItem1(), t.getItem2()));
                })
                .emitOn(Offload.backTo(context))
                .onItem().transformToUniAndConcatenate(ev -> switch (ev.getEventCase()) {
                    case EMOTION -> {
                        emotion[0] = ev.getEmotion();
                        yield Uni.createFrom().<ChatEvent>nullItem();
                    }
                    case DELTA -> {
                        clock.firstDelta();
                        text.append(ev.getDelta());
                        yield Uni.createFrom().item(event(seq, ChatEvent.newBuilder()
                                .setReplyDelta(ReplyDelta.newBuilder().setMessageId(replyId.toString()).setText(ev.getDelta()))));
                    }
                    case COMPLETED -> {
                        finished.set(true);
                        MessageEntity reply = assistantMessage(replyId, userMessage, text.toString(), "complete");
                        var completed = ev.getCompleted();
                        reply.provider = completed.getOffline() ? "offline" : completed.getProvider() + ":" + completed.getModel();
                        if (completed.hasEmotion()) {
                            reply.emotionLabel = completed.getEmotion().getLabel();
                            reply.emotionIntensity = (float) completed.getEmotion().getIntensity();
                        }
                        if (completed.hasSafety()) {
                            reply.safetyKind = completed.getSafety().getKind();
                            reply.safetyMessage = completed.getSafety().getMessage();
                        }
                        yield storeReply(reply).map(saved -> {
                            extractMemories(userMessage);
                            return event(seq, ChatEvent.newBuilder().setReplyCompleted(Messages.toProto(saved)));
                        });
                    }
                    default -> Uni.createFrom().<ChatEvent>nullItem();
                });

        return stream
                .onFailure().recoverWithMulti(failure -> {
                    Throwable cause = failure instanceof ServiceException ? failure : ServiceException.unavailable("the AI is unavailable; please retry");
                    LOG.warnf("Reply to message %s failed: %s", userMessage.id, failure.toString());
                    Uni<Void> keepPartial = text.length() == 0 || finished.get() ? Uni.createFrom().voidItem()
                            : storeReply(assistantMessage(replyId, userMessage, text.toString(), "partial")).replaceWithVoid()
                                    .onFailure().recoverWithNull();
                    ServiceException se = (ServiceException) cause;
                    return keepPartial.onItem().transformToMulti(ignored -> Multi.createFrom().item(event(seq, ChatEvent.newBuilder()
                            .setError(ChatError.newBuilder()
                                    .setCode(se.code() == ErrorCode.INTERNAL ? ErrorCode.UNAVAILABLE.code() : se.code().code())
                                    .setDetail(se.detail())
                                    .setRetryable(true)))));
                })
                .onCancellation().call(() -> {
                    if (finished.get() || text.length() == 0) {
                        return Uni.createFrom().voidItem();
                    }
                    // The client went away mid-reply: keep what was generated.
                    return storeReply(assistantMessage(replyId, userMessage, text.toString(), "partial")).replaceWithVoid()
                            .onFailure().recoverWithNull();
                });
    }

    private Uni<MessageEntity> storeReply(MessageEntity reply) {
        return Panache.withTransaction(() -> conversations.findById(reply.conversationId).chain(c -> {
            if (c != null) {
                touch(c, reply.createdAt);
            }
            return messages.persist(reply);
        })).call(contextCache::append).call(saved -> reads.wrote(saved.userId)).onFailure(SendMessageService::isUniqueViolation)
                .recoverWithUni(() -> Panache.withSession(() -> messages.findReplyTo(reply.replyTo)));
    }

    private void extractMemories(MessageEntity userMessage) {
        memory.extract(userMessage.userId.toString(), userMessage.id.toString(), userMessage.content, userMessage.createdAt.toString())
                .subscribe().with(
                        r -> LOG.debugf("Extracted %d memories from message %s", r.getStoredCount(), userMessage.id),
                        e -> LOG.warnf("Memory extraction for message %s failed after retries: %s", userMessage.id, e.toString()));
    }

    private static MessageEntity assistantMessage(UUID id, MessageEntity userMessage, String text, String status) {
        MessageEntity m = new MessageEntity();
        m.id = id;
        m.conversationId = userMessage.conversationId;
        m.userId = userMessage.userId;
        m.role = "assistant";
        m.content = text;
        m.status = status;
        m.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        m.replyTo = userMessage.id;
        return m;
    }

    private static void touch(ConversationEntity c, Instant at) {
        c.lastMessageAt = at;
        c.activityAt = at;
    }

    private static List<ContextMessage> contextOf(List<MessageEntity> newestFirst, UUID current) {
        List<ContextMessage> out = new ArrayList<>();
        for (MessageEntity m : newestFirst) {
            if (m.id.equals(current) || m.content.isEmpty() || "failed".equals(m.status)) {
                continue;
            }
            out.add(ContextMessage.newBuilder().setRole(m.role).setContent(m.content).build());
        }
        Collections.reverse(out);
        return out;
    }

    /**
     * Who is asking, as api-gateway sent it with the message: the plan (AI queue priority), and the
     * custom persona and country it knows from auth-service ("" when none).
     */
    record Profile(String plan, String persona, String country) {

        static Profile of(SendMessageRequest r) {
            return new Profile(r.getPlan().isBlank() ? "free" : r.getPlan(), r.getPersona(), r.getCountry());
        }
    }

    private static GenerateRequest generateRequest(MessageEntity m, Profile profile, List<ContextMessage> context, SearchResponse found) {
        GenerateRequest.Builder b = GenerateRequest.newBuilder()
                .setUserId(m.userId.toString())
                .setConversationId(m.conversationId.toString())
                .setPlan(profile.plan())
                .setUserMessage(m.content)
                .addAllContext(context)
                // ai-service ignores a custom persona unless the plan is premium, and defaults the country.
                .setCustomPersona(profile.persona())
                .setCountry(profile.country())
                // memory-service already embedded the message for the search: ai-service reuses it.
                .addAllMessageEmbedding(found.getQueryEmbeddingList())
                .setMessageEmbeddingModel(found.getEmbeddingModel());
        for (Memory mem : found.getItemsList()) {
            b.addMemories(MemorySnippet.newBuilder().setId(mem.getId()).setContent(mem.getContent()).setKind(mem.getKind())
                    .setScore(mem.getScore()));
        }
        return b.build();
    }

    private static ChatEvent event(AtomicLong seq, ChatEvent.Builder b) {
        return b.setSeq(seq.incrementAndGet()).build();
    }

    static boolean isUniqueViolation(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String msg = c.getMessage();
            if (c instanceof org.hibernate.exception.ConstraintViolationException
                    || (msg != null && (msg.contains("23505") || msg.contains("duplicate key")))) {
                return true;
            }
        }
        return false;
    }
}
