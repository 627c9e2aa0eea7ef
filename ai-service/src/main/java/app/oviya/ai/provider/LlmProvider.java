package app.oviya.ai.provider;

import io.smallrye.mutiny.Multi;

/** One way of producing Oviya's reply (Anthropic, an OpenAI-compatible server, or offline). */
public interface LlmProvider {

    /** Short name recorded with every reply and in the usage ledger. */
    String name();

    /** True when no network is involved (the reply says so). */
    boolean offline();

    Multi<ProviderEvent> stream(CompanionTurn turn);
}
