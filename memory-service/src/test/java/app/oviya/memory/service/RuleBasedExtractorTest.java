package app.oviya.memory.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Plain unit test: no Quarkus. */
class RuleBasedExtractorTest {

    private final RuleBasedExtractor extractor = new RuleBasedExtractor();

    private Candidate only(String text) {
        List<Candidate> out = extractor.extract(text);
        assertEquals(1, out.size(), text + " -> " + out);
        return out.get(0);
    }

    @Test
    void firstPersonStatementsBecomeMemories() {
        // One statement, two memories: the person, and the fact about them.
        List<Candidate> sister = extractor.extract("My sister Priya moved to Berlin");
        assertEquals(List.of("person:User's sister is called Priya", "fact:Priya (user's sister) lives in Berlin"),
                sister.stream().map(c -> c.kind() + ":" + c.content()).toList());
        assertEquals("sister:priya", sister.get(0).subject());
        assertEquals("residence:priya", sister.get(1).subject());

        assertMemory("User's name is Asha", "fact", 0.9f, only("Hi! My name is Asha."));
        assertMemory("User lives in Chennai", "fact", 0.8f, only("I live in Chennai"));
        assertMemory("User lives in Berlin", "fact", 0.8f, only("Last spring I moved to Berlin."));
        assertMemory("User works as nurse", "fact", 0.7f, only("I work as a nurse"));
        assertMemory("User likes green tea", "preference", 0.6f, only("I really love green tea but not coffee"));
        assertMemory("User dislikes horror movies", "preference", 0.6f, only("i hate horror movies!"));
        assertMemory("User wants to learn the violin", "goal", 0.6f, only("I want to learn the violin"));
        assertMemory("User's best friend is called Élodie", "person", 0.8f, only("my best friend Élodie is visiting"));
    }

    private static void assertMemory(String content, String kind, float importance, Candidate actual) {
        assertEquals(content, actual.content());
        assertEquals(kind, actual.kind());
        assertEquals(importance, actual.importance());
    }

    @Test
    void oneMemoryPerSentence() {
        List<Candidate> out = extractor.extract("My name is Asha. I live in Pune!\nI want to run a marathon");
        assertEquals(List.of("User's name is Asha", "User lives in Pune", "User wants to run a marathon"),
                out.stream().map(Candidate::content).toList());
    }

    @Test
    void smallTalkAndQuestionsProduceNothing() {
        for (String text : new String[] {null, "", "   ", "ok thanks", "haha", "What is the weather like?",
                "Can you help me write an email?", "Liverpool won yesterday", "The film was nice"}) {
            assertTrue(extractor.extract(text).isEmpty(), String.valueOf(text));
        }
    }

    @Test
    void relativesAreOnlyNamedByACapitalisedName() {
        // "thinks" / "is" are not names: the person rule wants a capitalised word after the relation.
        for (String text : new String[] {"My sister thinks I'm right", "my mom is coming over", "My friend said hello"}) {
            List<Candidate> out = extractor.extract(text);
            assertTrue(out.stream().noneMatch(c -> c.kind().equals("person")), text + " -> " + out);
        }
    }
}
