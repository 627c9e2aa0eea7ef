package app.oviya.ai.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class EmotionDetectorTest {

    private final EmotionDetector detector = new EmotionDetector();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "I'm so sad today|sadness",
            "I cried all night, I feel miserable.|sadness",
            "I'm really anxious about my exam tomorrow|anxiety",
            "Work has me stressed and overwhelmed|anxiety",
            "I'm terrified of the dark|fear",
            "I'm furious, this is so unfair!|anger",
            "I feel lonely, I have no friends here|loneliness",
            "I got the job, I'm so happy!!|joy",
            "I adore my grandmother|love",
            "Wow, I can't believe it|surprise",
            "I’m worried|anxiety",
            "It has been a stressful week|anxiety",
            "I've been crying since Monday|sadness"})
    void namesTheEmotion(String message, String label) {
        EmotionDetector.Emotion emotion = detector.detect(message);
        assertEquals(label, emotion.label(), message);
        assertTrue(emotion.intensity() > 0 && emotion.intensity() <= 1, "intensity in (0,1]: " + emotion);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "What's the weather like tomorrow?",
            "I went downtown for lunch",
            "I need to buy a new glove",
            "The countdown starts at noon",
            "I need to download the app",
            "He bought some cryptocurrency",
            "Please pass the salt"})
    void neutralTextIsNeutral(String message) {
        assertEquals(EmotionDetector.Emotion.NEUTRAL, detector.detect(message), message);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void blankTextIsNeutral(String message) {
        assertEquals(EmotionDetector.Emotion.NEUTRAL, detector.detect(message));
    }

    @Test
    void intensifiersRaiseTheIntensity() {
        double plain = detector.detect("I am sad").intensity();
        double intense = detector.detect("I am really so sad!!").intensity();
        assertTrue(intense > plain, plain + " < " + intense);
    }
}
