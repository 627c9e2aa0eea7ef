package app.oviya.common.safety;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CrisisSignalsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "I want to end my life", "I don’t want to live anymore", "I'm going to hang myself tonight",
            "I started cutting again", "I've been cutting my arms", "I want to cut my wrists", "there is no reason to live",
            "I keep thinking about shooting myself", "I can't go on living like this", "I might overdose", "I feel suicidal"})
    void highRiskPhrasesAreRecognised(String text) {
        assertTrue(CrisisSignals.highRisk(text), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "this exam is killing me", "my boss will kill me", "I'd shoot myself in the foot if I quit now",
            "I cut my arm on the fence yesterday", "I burned myself on the stove", "cutting again the same hedge", "I'm dying to see you",
            "that joke killed me"})
    void figuresOfSpeechAndAccidentsAreNot(String text) {
        assertFalse(CrisisSignals.highRisk(text), text);
    }
}
