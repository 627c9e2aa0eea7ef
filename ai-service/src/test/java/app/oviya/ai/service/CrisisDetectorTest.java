package app.oviya.ai.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class CrisisDetectorTest {

    private final CrisisDetector detector = new CrisisDetector();

    @ParameterizedTest
    @ValueSource(strings = {
            "I want to kill myself",
            "i keep thinking about killing myself",
            "I don't want to live anymore",
            "I don’t want to be alive",
            "I do not want to wake up tomorrow",
            "I want to end my life",
            "Sometimes I just want to end it all",
            "Everyone would be better off without me",
            "I've been having suicidal thoughts",
            "I want to die",
            "I started cutting myself again",
            "I've been self-harming",
            "I'm going to take all my pills tonight",
            "I WANT TO KILL MYSELF"})
    void flagsSignsOfSuicideOrSelfHarm(String message) {
        assertEquals(CrisisDetector.Risk.HIGH, detector.assess(message), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "this exam is killing me",
            "my feet are killing me after that hike",
            "I could kill for a coffee",
            "my phone died",
            "that joke killed me",
            "I'm dying to see that movie",
            "my boss is going to kill me if I'm late",
            "I want to live somewhere sunny",
            "I killed it at my presentation today",
            "It hurts me when people ignore me",
            "The end of my lease is coming up"})
    void leavesEverydayFiguresOfSpeechAlone(String message) {
        assertEquals(CrisisDetector.Risk.NONE, detector.assess(message), message);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void emptyInputIsNoRisk(String message) {
        assertEquals(CrisisDetector.Risk.NONE, detector.assess(message));
    }
}
