package app.oviya.memory.service;

import io.smallrye.mutiny.Uni;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.format.TextStyle;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The offline extractor: turns common first-person statements of the user into memories (facts,
 * preferences, people, events with dates, goals, feelings) and tags sensitive categories.
 * Deliberately conservative: questions, hypotheticals and small talk produce nothing.
 *
 * <p>It only ever sees the user's own words (ExtractFromTurnRequest.user_text); the assistant's
 * reply and the system prompt never reach it. Relative dates ("on Friday", "tomorrow") resolve
 * against the day the message was sent (UTC), never the day of extraction.
 */
public class RuleBasedExtractor implements Extractor {

    // Case-insensitive, except where a rule needs a capitalised name: there it switches the flag off
    // with (?-i:...), since under CASE_INSENSITIVE [A-Z] also matches "thinks" in "my sister thinks".
    private static Pattern p(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    private static final String NAME = "((?-i:\\p{Lu})[\\p{L}'-]{1,30})";
    private static final String PLACE = "((?-i:\\p{Lu})[\\p{L}.'-]+(?:[ -](?-i:\\p{Lu})[\\p{L}.'-]+){0,3})";
    private static final String RELATION = "(sister|brother|mother|mom|mum|father|dad|wife|husband|partner|friend|son|daughter"
            + "|boyfriend|girlfriend|best friend|fiancée?|grandmother|grandma|grandfather|grandpa|aunt|uncle|cousin|boss"
            + "|colleague|roommate|flatmate|niece|nephew|dog|cat)";
    private static final String PHRASE = "([\\p{L}][\\p{L}0-9 '-]{1,60})";

    private static final Pattern NAME_IS = p("\\b(?:my name is|call me|my name's) " + NAME);
    private static final Pattern LIVE_IN = p("\\bi (?:live|am living|currently live) in " + PLACE);
    private static final Pattern MOVED_TO = p("\\bi (?:have |just |recently |finally )?(?:moved|relocated) to " + PLACE);
    private static final Pattern FROM = p("\\bi am (?:originally )?from " + PLACE);
    private static final Pattern WORK_AS = p("\\bi (?:work|am working) as (?:an? )?" + PHRASE);
    private static final Pattern WORK_AT = p("\\bi (?:work|am working) (?:at|for) " + PLACE);
    private static final Pattern STUDY = p("\\bi (?:study|am studying) " + PHRASE);
    private static final Pattern RELATIVE = p("\\bmy " + RELATION + "(?:'s name is|,)? " + NAME);
    private static final Pattern REL_MOVED = p("\\b(?:moved|relocated) to " + PLACE);
    private static final Pattern REL_LIVES = p("\\blives in " + PLACE);
    private static final Pattern HAVE_RELATIVE = p("\\bi have (?:a|an|two|three) (little |younger |older |big )?" + RELATION + "s?(?: (?:named|called) " + NAME + ")?");
    private static final Pattern RELATIVE_DIED = p("\\bmy " + RELATION + " (?:died|passed away|passed)");
    private static final Pattern LIKE = p("\\bi (?:really |absolutely |truly )?(?:love|like|enjoy|adore) " + PHRASE);
    private static final Pattern DISLIKE = p("\\bi (?:really |absolutely |truly )?(?:hate|dislike|can't stand|cannot stand|do not like|don't like|detest) " + PHRASE);
    private static final Pattern FAVOURITE = p("\\bmy favou?rite ([\\p{L}]+(?: [\\p{L}]+)?) is " + PHRASE);
    private static final Pattern GOAL = p("\\b(?:i want to|i'd like to|i would like to|i hope to|i plan to|i am planning to|i am trying to|my goal is to|i am going to try to|i aim to|i dream of) " + PHRASE);
    private static final Pattern DIAGNOSED = p("\\bi (?:was|have been|got) diagnosed with " + PHRASE);
    private static final Pattern HAVE_CONDITION = p("\\bi (?:have|suffer from|live with|struggle with) (diabetes|asthma|adhd|depression|anxiety|epilepsy|migraines|insomnia|ptsd|ocd|bipolar disorder|cancer|arthritis|celiac disease|panic attacks|an eating disorder|chronic pain|high blood pressure)\\b");
    private static final Pattern ALLERGIC = p("\\bi am allergic to " + PHRASE);
    private static final Pattern THERAPY = p("\\bi (?:am in therapy|see a therapist|started therapy|go to therapy|am seeing a therapist|take antidepressants|am on antidepressants)");
    private static final Pattern TRAUMA = p("\\bi (?:was|got) (abused|bullied|assaulted|attacked|harassed|mugged|in a (?:car )?accident)" + "([\\p{L} '-]{0,40})");
    private static final Pattern FEEL = p("\\bi (?:feel|am feeling|have been feeling|felt|am|have been) (?:so |really |very |pretty |quite |a bit |kind of |a little |extremely |super )?"
            + "(sad|anxious|happy|lonely|stressed|depressed|overwhelmed|exhausted|tired|excited|nervous|worried|angry|frustrated|hopeless|grateful|proud|scared|afraid|burnt out|burned out|heartbroken|miserable|content|calm|upset|hurt|jealous|ashamed|guilty|empty|lost|confused|bored)\\b");
    private static final Pattern WORRIED_ABOUT = p("\\bi am (?:so |really |very )?(?:worried|anxious|nervous|stressed) about " + PHRASE);
    private static final Pattern EVENT_MY = p("\\bmy ([\\p{L}']+(?: [\\p{L}]+)?) is (?:on |this |next |coming up |)");
    private static final Pattern EVENT_HAVE = p("\\bi have (?:a|an|my) ([\\p{L}]+(?: [\\p{L}]+)?) (?:on |this |next |tomorrow|today|tonight|in )");
    private static final Pattern EVENT_GOING = p("\\bi am (?:going|flying|travell?ing|driving|heading) to " + PLACE);

    private static final Pattern WEEKDAY = p("\\b(this |next |on |)(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\\b");
    private static final Pattern IN_N = p("\\bin (\\d{1,2}|two|three|four|five|six|seven|ten) (day|week)s?\\b");
    private static final Pattern MONTH_DAY = p("\\b(?:on )?(january|february|march|april|may|june|july|august|september|october|november|december) (\\d{1,2})(?:st|nd|rd|th)?\\b");
    private static final Pattern DAY_MONTH = p("\\b(?:on )?(?:the )?(\\d{1,2})(?:st|nd|rd|th)? (?:of )?(january|february|march|april|may|june|july|august|september|october|november|december)\\b");

    /** Objects of "I love/like/hate ..." that are about the conversation, not a preference. */
    private static final Set<String> NOT_PREFERENCES = Set.of("you", "it", "that", "this", "them", "him", "her", "to", "talking",
            "chatting", "your", "the way", "how", "when", "what", "being", "when you");
    /** Goals that are only requests to the assistant ("I want to know ..."). */
    private static final Set<String> NOT_GOALS = Set.of("know", "ask", "say", "talk", "tell", "chat", "see", "understand", "check",
            "hear", "be", "go", "sleep", "cry", "die", "scream");
    private static final Set<String> EVENT_NOUNS = Set.of("interview", "exam", "birthday", "wedding", "appointment", "surgery",
            "operation", "flight", "presentation", "meeting", "date", "party", "concert", "match", "game", "test", "trip",
            "graduation", "deadline", "recital", "doctor's appointment", "job interview", "final exam", "dentist appointment",
            "court date", "audition", "performance", "review", "anniversary", "holiday", "vacation", "checkup", "scan", "shift");
    private static final Set<String> HEALTH_EVENTS = Set.of("surgery", "operation", "doctor's appointment", "checkup", "scan",
            "dentist appointment");

    private static final Map<String, String> CATEGORY_WORDS = new LinkedHashMap<>();
    static {
        for (String w : List.of("depression", "depressed", "anxiety", "panic attack", "therapy", "therapist", "antidepressant", "ptsd",
                "ocd", "bipolar", "eating disorder", "self-harm", "suicid")) {
            CATEGORY_WORDS.put(w, "mental_health");
        }
        for (String w : List.of("diabetes", "asthma", "cancer", "epilepsy", "migraine", "insomnia", "arthritis", "celiac", "allergic",
                "diagnosed", "surgery", "operation", "blood pressure", "chronic pain", "pregnan", "adhd", "medication", "doctor's",
                "checkup", "scan", "dentist")) {
            CATEGORY_WORDS.put(w, "health");
        }
        for (String w : List.of("abused", "abuse", "assaulted", "assault", "bullied", "harassed", "attacked", "mugged", "accident", "trauma")) {
            CATEGORY_WORDS.put(w, "trauma");
        }
        for (String w : List.of("passed away", "died")) {
            CATEGORY_WORDS.put(w, "bereavement");
        }
    }

    @Override
    public String name() {
        return "rules";
    }

    @Override
    public Uni<List<Candidate>> extract(Turn turn) {
        return Uni.createFrom().item(() -> extract(turn.userText(), turn.sentOn()));
    }

    public List<Candidate> extract(String userText) {
        return extract(userText, LocalDate.now(java.time.ZoneOffset.UTC));
    }

    /** @param sentOn the day the user sent the message; relative dates resolve against it. */
    public List<Candidate> extract(String userText, LocalDate sentOn) {
        List<Candidate> out = new ArrayList<>();
        if (userText == null || userText.isBlank()) {
            return out;
        }
        for (String raw : userText.split("(?<=[.!?])\\s+|\\n+|;\\s*")) {
            String s = normalise(raw);
            if (s.isEmpty() || s.endsWith("?") || IGNORE.matcher(s).find()) {
                continue;
            }
            sentence(s, sentOn, out);
        }
        // One memory per content within a turn.
        List<Candidate> distinct = new ArrayList<>();
        for (Candidate c : out) {
            if (distinct.stream().noneMatch(d -> d.content().equalsIgnoreCase(c.content()))) {
                distinct.add(c);
            }
        }
        return distinct;
    }

    private static final Pattern CLAUSES_BEFORE_I = p(",?\\s+(?:and|but|while)\\s+(?=i\\b)");

    /** Hypotheticals, reported speech and negated wishes are not statements about the user. */
    private static final Pattern IGNORE = p("^(?:if|what if|maybe if|imagine|suppose|pretend)\\b|\\b(?:he|she|they) said\\b|\\bwould you\\b|\\bcan you\\b|\\bcould you\\b");

    private static String normalise(String raw) {
        return raw.strip()
                .replace('\u2019', '\'')
                .replaceAll("(?i)\\bi'm\\b", "I am")
                .replaceAll("(?i)\\bim\\b", "I am")
                .replaceAll("(?i)\\bi've\\b", "I have")
                .replaceAll("(?i)\\bi'd\\b", "I would")
                .replaceAll("(?i)\\bi'll\\b", "I will")
                .replaceAll("(?i)\\bi've been\\b", "I have been");
    }

    private void sentence(String s, LocalDate sentOn, List<Candidate> out) {
        Matcher m;
        if ((m = NAME_IS.matcher(s)).find()) {
            add(out, "User's name is " + m.group(1), "fact", 0.9f, "name", s, null);
        }
        if ((m = LIVE_IN.matcher(s)).find() || (m = MOVED_TO.matcher(s)).find()) {
            add(out, "User lives in " + place(m.group(1)), "fact", 0.8f, "residence", s, null);
        }
        if ((m = FROM.matcher(s)).find()) {
            add(out, "User is from " + place(m.group(1)), "fact", 0.7f, "origin", s, null);
        }
        if ((m = WORK_AS.matcher(s)).find()) {
            add(out, "User works as " + clean(m.group(1)), "fact", 0.7f, "job", s, null);
        } else if ((m = WORK_AT.matcher(s)).find()) {
            add(out, "User works at " + place(m.group(1)), "fact", 0.7f, "employer", s, null);
        }
        if ((m = STUDY.matcher(s)).find()) {
            add(out, "User studies " + clean(m.group(1)), "fact", 0.7f, "studies", s, null);
        }
        Matcher rel = RELATIVE.matcher(s);
        if (rel.find() && !PRONOUN_LIKE.contains(rel.group(2).toLowerCase(Locale.ROOT))) {
            String relation = relation(rel.group(1));
            String name = rel.group(2);
            add(out, "User's " + relation + " is called " + name, "person", 0.8f, relation + ":" + name.toLowerCase(Locale.ROOT), s, null);
            String rest = s.substring(rel.end());
            Matcher where;
            if ((where = REL_MOVED.matcher(rest)).find() || (where = REL_LIVES.matcher(rest)).find()) {
                add(out, name + " (user's " + relation + ") lives in " + place(where.group(1)), "fact", 0.6f,
                        "residence:" + name.toLowerCase(Locale.ROOT), s, null);
            }
        } else if ((m = HAVE_RELATIVE.matcher(s)).find()) {
            String adj = m.group(1) == null ? "" : m.group(1).strip().toLowerCase(Locale.ROOT) + " ";
            String relation = relation(m.group(2));
            if (m.group(3) != null) {
                add(out, "User's " + adj + relation + " is called " + m.group(3), "person", 0.8f,
                        relation + ":" + m.group(3).toLowerCase(Locale.ROOT), s, null);
            } else {
                add(out, "User has a " + adj + relation, "person", 0.6f, "has:" + relation, s, null);
            }
        }
        if ((m = RELATIVE_DIED.matcher(s)).find()) {
            String relation = relation(m.group(1));
            add(out, "User's " + relation + " passed away", "fact", 0.9f, "died:" + relation, s, null);
        }
        if ((m = FAVOURITE.matcher(s)).find()) {
            String what = m.group(1).toLowerCase(Locale.ROOT);
            add(out, "User's favourite " + what + " is " + clean(m.group(2)), "preference", 0.6f, "favourite:" + what, s, null);
        } else {
            // "I love hiking and I hate rain": one preference per clause.
            for (String clause : CLAUSES_BEFORE_I.split(s)) {
                if ((m = DISLIKE.matcher(clause)).find()) {
                    preference(out, "User dislikes ", m.group(1), s);
                } else if ((m = LIKE.matcher(clause)).find()) {
                    preference(out, "User likes ", m.group(1), s);
                }
            }
        }
        if ((m = GOAL.matcher(s)).find()) {
            String goal = clean(m.group(1));
            String verb = goal.split(" ")[0].toLowerCase(Locale.ROOT);
            if (!NOT_GOALS.contains(verb) && goal.contains(" ")) {
                add(out, "User wants to " + goal, "goal", 0.6f, null, s, null);
            }
        }
        if ((m = DIAGNOSED.matcher(s)).find()) {
            String what = clean(m.group(1));
            add(out, "User was diagnosed with " + what, "fact", 0.9f, "health:" + what.toLowerCase(Locale.ROOT), s, "health");
        } else if ((m = HAVE_CONDITION.matcher(s)).find()) {
            String what = m.group(1).toLowerCase(Locale.ROOT);
            add(out, "User has " + what, "fact", 0.9f, "health:" + what, s, "health");
        }
        if ((m = ALLERGIC.matcher(s)).find()) {
            String what = clean(m.group(1));
            add(out, "User is allergic to " + what, "fact", 0.9f, "allergy:" + what.toLowerCase(Locale.ROOT), s, "health");
        }
        if (THERAPY.matcher(s).find()) {
            add(out, "User is in therapy", "fact", 0.8f, "therapy", s, "mental_health");
        }
        if ((m = TRAUMA.matcher(s)).find()) {
            String what = (m.group(1) + clean(m.group(2).isBlank() ? "" : m.group(2))).strip();
            add(out, "User was " + what, "fact", 0.9f, null, s, "trauma");
        }
        event(s, sentOn, out);
        if ((m = WORRIED_ABOUT.matcher(s)).find()) {
            add(out, "User felt worried about " + clean(m.group(1)) + " on " + sentOn, "feeling", 0.5f, null, s, null, sentOn);
        } else if ((m = FEEL.matcher(s)).find() && !FEEL_FALSE.matcher(s).find()) {
            add(out, "User felt " + m.group(1).toLowerCase(Locale.ROOT) + " on " + sentOn, "feeling", 0.5f, null, s, null, sentOn);
        }
    }

    /** "I am tired of ...", "I am sad to hear" are not the user's state worth remembering; "I am happy to help" neither. */
    private static final Pattern FEEL_FALSE = p("\\b(?:to hear|to help|to say|for you|of you)\\b");

    private static final Set<String> PRONOUN_LIKE = Set.of("is", "was", "and", "thinks", "said", "says", "just", "told", "has", "the");

    private void preference(List<Candidate> out, String prefix, String object, String sentence) {
        String what = clean(object);
        String key = what.toLowerCase(Locale.ROOT);
        if (what.isEmpty() || NOT_PREFERENCES.contains(key) || NOT_PREFERENCES.contains(key.split(" ")[0])) {
            return;
        }
        add(out, prefix + what, "preference", 0.6f, "preference:" + key, sentence, null);
    }

    private void event(String s, LocalDate sentOn, List<Candidate> out) {
        LocalDate date = date(s, sentOn);
        if (date == null) {
            return;
        }
        Matcher m;
        String what = null;
        if ((m = EVENT_MY.matcher(s)).find() && EVENT_NOUNS.contains(m.group(1).toLowerCase(Locale.ROOT))) {
            what = m.group(1).toLowerCase(Locale.ROOT);
        } else if ((m = EVENT_MY.matcher(s)).find() && EVENT_NOUNS.contains(last(m.group(1)))) {
            // "my sister's wedding" stays the sister's; "my big exam" is an exam.
            what = m.group(1).contains("'s ") ? m.group(1).toLowerCase(Locale.ROOT) : last(m.group(1));
        } else if ((m = EVENT_HAVE.matcher(s)).find()
                && (EVENT_NOUNS.contains(m.group(1).toLowerCase(Locale.ROOT)) || EVENT_NOUNS.contains(last(m.group(1))))) {
            what = EVENT_NOUNS.contains(m.group(1).toLowerCase(Locale.ROOT)) ? m.group(1).toLowerCase(Locale.ROOT) : last(m.group(1));
        }
        if (what != null) {
            String day = date.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            add(out, "User's " + what + " is on " + day + " " + date, "event", 0.8f, "event:" + what + ":" + date, s,
                    HEALTH_EVENTS.contains(what) ? "health" : null, date);
        } else if ((m = EVENT_GOING.matcher(s)).find()) {
            String place = place(m.group(1));
            add(out, "User is travelling to " + place + " on " + date, "event", 0.7f, "trip:" + place.toLowerCase(Locale.ROOT) + ":" + date,
                    s, null, date);
        }
    }

    private static String last(String words) {
        String[] w = words.toLowerCase(Locale.ROOT).split(" ");
        return w[w.length - 1];
    }

    /** Resolves the first date phrase of the sentence against the day it was sent. */
    static LocalDate date(String s, LocalDate sentOn) {
        String l = s.toLowerCase(Locale.ROOT);
        if (l.contains("day after tomorrow")) {
            return sentOn.plusDays(2);
        }
        if (l.matches(".*\\btomorrow\\b.*")) {
            return sentOn.plusDays(1);
        }
        if (l.matches(".*\\b(today|tonight|this evening|this afternoon)\\b.*")) {
            return sentOn;
        }
        Matcher m;
        if ((m = MONTH_DAY.matcher(s)).find() || (m = DAY_MONTH.matcher(s)).find()) {
            boolean monthFirst = Character.isLetter(m.group(1).charAt(0));
            Month month = Month.valueOf((monthFirst ? m.group(1) : m.group(2)).toUpperCase(Locale.ROOT));
            int day = Integer.parseInt(monthFirst ? m.group(2) : m.group(1));
            if (day < 1 || day > month.length(true)) {
                return null;
            }
            LocalDate d = LocalDate.of(sentOn.getYear(), month, Math.min(day, month.length(sentOn.isLeapYear())));
            return d.isBefore(sentOn) ? d.plusYears(1) : d;
        }
        if ((m = WEEKDAY.matcher(s)).find()) {
            DayOfWeek dow = DayOfWeek.valueOf(m.group(2).toUpperCase(Locale.ROOT));
            int ahead = (dow.getValue() - sentOn.getDayOfWeek().getValue() + 7) % 7;
            String mod = m.group(1).strip().toLowerCase(Locale.ROOT);
            if (ahead == 0 && !mod.equals("this")) {
                ahead = 7;
            }
            LocalDate d = sentOn.plusDays(ahead);
            // "next Friday" said early in a week means the Friday of the following week.
            if (mod.equals("next") && d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR) == sentOn.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)) {
                d = d.plusWeeks(1);
            }
            return d;
        }
        if (l.matches(".*\\bnext week\\b.*")) {
            return sentOn.plusWeeks(1);
        }
        if ((m = IN_N.matcher(s)).find()) {
            int n = switch (m.group(1).toLowerCase(Locale.ROOT)) {
                case "two" -> 2; case "three" -> 3; case "four" -> 4; case "five" -> 5; case "six" -> 6; case "seven" -> 7;
                case "ten" -> 10;
                default -> Integer.parseInt(m.group(1));
            };
            return m.group(2).equalsIgnoreCase("week") ? sentOn.plusWeeks(n) : sentOn.plusDays(n);
        }
        return null;
    }

    private void add(List<Candidate> out, String content, String kind, float importance, String subject, String sentence, String category) {
        add(out, content, kind, importance, subject, sentence, category, null);
    }

    private void add(List<Candidate> out, String content, String kind, float importance, String subject, String sentence,
            String category, LocalDate date) {
        String cat = category != null ? category : category(content);
        out.add(new Candidate(content, kind, importance, subject, cat, date));
    }

    /** The sensitive category a memory falls into, or null. */
    public static String category(String text) {
        String l = text.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, String> e : CATEGORY_WORDS.entrySet()) {
            if (l.contains(e.getKey())) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String relation(String r) {
        String l = r.toLowerCase(Locale.ROOT);
        return switch (l) {
            case "mom", "mum" -> "mother";
            case "dad" -> "father";
            case "grandma" -> "grandmother";
            case "grandpa" -> "grandfather";
            case "fiance", "fiancee", "fiancée" -> "fiancé";
            default -> l;
        };
    }

    private static String place(String s) {
        String t = s.strip().replaceAll("[.!?,;:]+$", "");
        // "Berlin Last" / "Paris On": stop at a capitalised word that starts a new clause.
        return t.split("\\s+(?:Last|Next|This|On|In|And|But|Because|So|With|For|Since|After|Before)\\b", 2)[0].strip();
    }

    private static String clean(String s) {
        String t = s.strip().replaceAll("[.!?,;:]+$", "");
        // Stop at a clause boundary so "I love tea but not coffee" keeps "tea".
        String[] cut = t.split("\\s+(?:but|and|because|so|when|although|though|since|if|as|lately|these days|right now|now)(?:\\s+|$)", 2);
        return cut[0].strip();
    }
}
