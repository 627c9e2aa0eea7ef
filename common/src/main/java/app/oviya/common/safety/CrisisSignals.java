package app.oviya.common.safety;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The phrases that signal a risk of suicide or self-harm, in one place: ai-service adds crisis
 * resources when they match, and the gateway never lets a rate limit or quota stop such a message.
 */
public final class CrisisSignals {

    private static final List<Pattern> HIGH_RISK = List.of(
            // "myself" only: "this exam is killing me" or "my boss will kill me" are figures of speech.
            p("\\b(kill|killing|hurt|hurting|harm|harming|cut|cutting) myself\\b"),
            // Means named with "myself"; "shoot myself in the foot" is an idiom, "burn myself" mostly cooking.
            p("\\b(hang|hanging|drown|drowning|poison|poisoning|stab|stabbing) myself\\b"),
            p("\\bshoot(ing)? myself\\b(?! in the foot)"),
            // Self-harm coming back, or named by the body part.
            p("\\b(started|start|began|begun|been|am|i'm|i am) cutting (again|my (arms?|wrists?|legs?|thighs?|skin))\\b"),
            p("\\bcut(ting)? my wrists?\\b"),
            p("\\b(no reason to live|not worth living|can'?t go on living)\\b"),
            p("\\bsuicid(e|al)\\b"),
            p("\\bend (my|it all|my own) li(fe|ves)\\b"),
            p("\\bend it all\\b"),
            p("\\b(don'?t|do not|no longer) want to (live|be alive|exist|wake up)\\b"),
            p("\\bbetter off (dead|without me)\\b"),
            p("\\bwant to die\\b"),
            p("\\bself[- ]harm"),
            p("\\b(overdose|take all (my|the) pills)\\b"));

    private CrisisSignals() {
    }

    /** True when the text contains a high-risk phrase. */
    public static boolean highRisk(String text) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        String t = text.toLowerCase(Locale.ROOT).replace('\u2019', '\'');
        for (Pattern pattern : HIGH_RISK) {
            if (pattern.matcher(t).find()) {
                return true;
            }
        }
        return false;
    }

    private static Pattern p(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
    }
}
