package app.oviya.memory.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The offline extractor: turns common first-person statements into memories. Deliberately
 * conservative: a message that matches nothing produces nothing.
 */
@ApplicationScoped
public class RuleBasedExtractor {

    public record Candidate(String content, String kind, float importance) {
    }

    private record Rule(Pattern pattern, String kind, float importance, String template) {
    }

    private static final List<Rule> RULES = List.of(
            new Rule(p("\\bmy name is ([\\p{L}][\\p{L}' -]{0,40})"), "fact", 0.9f, "User's name is %s"),
            new Rule(p("\\bi (?:live|am living) in ([\\p{L}][\\p{L} .'-]{1,60})"), "fact", 0.8f, "User lives in %s"),
            new Rule(p("\\bi (?:moved|have moved|just moved) to ([\\p{L}][\\p{L} .'-]{1,60})"), "fact", 0.8f, "User lives in %s"),
            new Rule(p("\\bi work as (?:an? )?([\\p{L}][\\p{L} '-]{1,60})"), "fact", 0.7f, "User works as %s"),
            new Rule(p("\\bmy (sister|brother|mother|mom|father|dad|wife|husband|partner|friend|son|daughter|boyfriend|girlfriend|best friend) ((?-i:\\p{Lu})[\\p{L}'-]{1,30})"),
                    "person", 0.8f, "User's %s is called %s"),
            new Rule(p("\\bi (?:really )?(?:love|like|enjoy) ([\\p{L}][\\p{L} '-]{1,60})"), "preference", 0.6f, "User likes %s"),
            new Rule(p("\\bi (?:really )?(?:hate|dislike|can't stand) ([\\p{L}][\\p{L} '-]{1,60})"), "preference", 0.6f, "User dislikes %s"),
            new Rule(p("\\bi want to ([\\p{L}][\\p{L} '-]{2,80})"), "goal", 0.6f, "User wants to %s"));

    // Case-insensitive, except where a rule needs a capitalised name: there it switches the flag off
    // with (?-i:...), since under CASE_INSENSITIVE [A-Z] also matches "thinks" in "my sister thinks".
    private static Pattern p(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    public List<Candidate> extract(String userText) {
        List<Candidate> out = new ArrayList<>();
        if (userText == null || userText.isBlank()) {
            return out;
        }
        for (String sentence : userText.split("(?<=[.!?])\\s+|\\n+")) {
            for (Rule rule : RULES) {
                Matcher m = rule.pattern().matcher(sentence);
                if (m.find()) {
                    Object[] groups = new Object[m.groupCount()];
                    for (int i = 0; i < groups.length; i++) {
                        groups[i] = clean(m.group(i + 1));
                    }
                    out.add(new Candidate(String.format(rule.template(), groups), rule.kind(), rule.importance()));
                    break;
                }
            }
        }
        return out;
    }

    private static String clean(String s) {
        String t = s.strip().replaceAll("[.!?,;:]+$", "");
        // Stop at a clause boundary so "I love tea but not coffee" keeps "tea".
        String[] cut = t.split("\\s+(?:but|and|because|so|when|although|though)\\s+", 2);
        return cut[0].strip();
    }
}
